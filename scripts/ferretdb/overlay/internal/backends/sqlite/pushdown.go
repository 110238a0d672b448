// Copyright 2021 FerretDB Inc.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

// This file is not part of FerretDB v1.24.2: customer-profile-gateway adds it to the
// SQLite backend (scripts/ferretdb/README.md says what changed and why).

package sqlite

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// maxPushdownValues bounds the values of an `$in` pushed down (SQLite allows 32,766 variables).
const maxPushdownValues = 10_000

// plainFieldName is a field whose index expression needs no escaping.
var plainFieldName = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// prepareWhereClause returns a WHERE clause (with its arguments) that selects a superset of
// the documents matching filter, written only with the expressions SQLite's indexes are built
// on, or "" when no part of filter can be served by an index.
//
// A superset is enough: the handler applies the whole filter again, in Go, to every document
// the backend returns (backends.QueryParams: "Filter may be ignored, or safely applied
// partially or entirely"). Top-level keys of a filter are ANDed, so each pushed-down key
// narrows the result safely; any other key is left to the handler. Pushed down:
//
//   - `{_id: <string or ObjectId>}` and `{_id: {$in: [<strings or ObjectIds>]}}`;
//   - `{field: <string>}` and `{field: {$in: [<strings>]}}` where field is top-level and the
//     first key of an index.
//
// Nothing else: a range on JSON text does not order as BSON does (a string's closing quote
// sorts before a space), so ranges are left to the handler.
func prepareWhereClause(meta *metadata.Collection, filter *types.Document) (string, []any) {
	if filter == nil {
		return "", nil
	}

	keys := filter.Keys()
	seen := make(map[string]int, len(keys))

	for _, key := range keys {
		seen[key]++
	}

	var conditions []string
	var args []any

	for _, key := range keys {
		if seen[key] != 1 {
			continue // a repeated key is left to the handler
		}

		condition, conditionArgs := pushdownCondition(meta, key, must.NotFail(filter.Get(key)))
		if condition == "" {
			continue
		}

		conditions = append(conditions, condition)
		args = append(args, conditionArgs...)
	}

	if len(conditions) == 0 {
		return "", nil
	}

	return " WHERE " + strings.Join(conditions, " AND "), args
}

// pushdownCondition returns the SQL condition for one top-level filter key, or "".
func pushdownCondition(meta *metadata.Collection, key string, value any) (string, []any) {
	if key == "_id" {
		args := idValues(value)
		if args == nil {
			return "", nil
		}

		return inCondition(metadata.IDColumn, args), args
	}

	if !plainFieldName.MatchString(key) || !isFirstIndexKey(meta, key) {
		return "", nil
	}

	args := stringValues(value)
	if args == nil {
		return "", nil
	}

	// Written exactly as indexesCreate writes an index column, so that SQLite uses the index.
	column := fmt.Sprintf("%s->%q", metadata.DefaultColumn, key)

	// MongoDB's {field: "x"} also matches a document whose field is an array holding "x".
	// `->` returns an array as JSON text starting with '[', and '\' is the next character,
	// so the range keeps every array-valued field, and both branches are index searches.
	return fmt.Sprintf(`(%s OR (%s >= '[' AND %s < '\'))`, inCondition(column, args), column, column), args
}

// idValues returns the sjson values of `<string or ObjectId>` or of `{$in: [<strings or ObjectIds>]}`, or nil.
func idValues(value any) []any {
	return values(value, func(v any) bool {
		switch v.(type) {
		case string, types.ObjectID:
			return true
		}

		return false
	})
}

// stringValues returns the sjson values of `<string>` or of `{$in: [<strings>]}`, or nil.
func stringValues(value any) []any {
	return values(value, func(v any) bool {
		_, ok := v.(string)
		return ok
	})
}

// values returns the sjson values of an equality or of an `$in` (the only operator) whose
// every element passes ok, or nil.
func values(value any, ok func(any) bool) []any {
	operator, isDocument := value.(*types.Document)
	if !isDocument {
		if !ok(value) {
			return nil
		}

		return []any{sjsonValue(value)}
	}

	if operator.Len() != 1 {
		return nil
	}

	in, err := operator.Get("$in")
	if err != nil {
		return nil
	}

	list, isArray := in.(*types.Array)
	if !isArray || list.Len() == 0 || list.Len() > maxPushdownValues {
		return nil
	}

	args := make([]any, list.Len())

	for i := 0; i < list.Len(); i++ {
		v := must.NotFail(list.Get(i))
		if !ok(v) {
			return nil
		}

		args[i] = sjsonValue(v)
	}

	return args
}

// inCondition is `column = ?` for one value, `column IN (?, ...)` for more.
func inCondition(column string, args []any) string {
	if len(args) == 1 {
		return column + ` = ?`
	}

	return fmt.Sprintf(`%s IN (%s)`, column, strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", "))
}

// isFirstIndexKey reports whether field is the first key of one of the collection's indexes.
func isFirstIndexKey(meta *metadata.Collection, field string) bool {
	for _, index := range meta.Settings.Indexes {
		if len(index.Key) > 0 && index.Key[0].Field == field {
			return true
		}
	}

	return false
}

// sjsonValue is the value as stored in the sjson column, the form `->` returns.
func sjsonValue(v any) string {
	return string(must.NotFail(sjson.MarshalSingleValue(v)))
}
