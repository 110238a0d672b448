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

// This file is not part of FerretDB v1.24.2: customer-profile-gateway adds it beside pushdown.go.

package sqlite

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/iterator"
	"github.com/FerretDB/FerretDB/internal/util/must"
	"github.com/FerretDB/FerretDB/internal/util/state"
	"github.com/FerretDB/FerretDB/internal/util/testutil"
)

func TestPrepareWhereClause(t *testing.T) {
	t.Parallel()

	meta := &metadata.Collection{Settings: metadata.Settings{Indexes: []metadata.IndexInfo{
		{Name: "_id_", Key: []metadata.IndexKeyPair{{Field: "_id"}}, Unique: true},
		{Name: "customerId_seq", Key: []metadata.IndexKeyPair{{Field: "customerId"}, {Field: "seq", Descending: true}}},
		{Name: "status_createdAt", Key: []metadata.IndexKeyPair{{Field: "status"}, {Field: "createdAt"}}},
	}}}
	oid := types.ObjectID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	customerID := `(_ferretdb_sjson->"customerId" = ? OR (_ferretdb_sjson->"customerId" >= '[' AND _ferretdb_sjson->"customerId" < '\'))`

	for name, tc := range map[string]struct {
		filter *types.Document
		where  string
		args   []any
	}{
		"Nil": {
			filter: nil,
		},
		"Empty": {
			filter: must.NotFail(types.NewDocument()),
		},
		"IDString": {
			filter: must.NotFail(types.NewDocument("_id", "c1")),
			where:  ` WHERE _ferretdb_sjson->"_id" = ?`,
			args:   []any{`"c1"`},
		},
		"IDObjectID": {
			filter: must.NotFail(types.NewDocument("_id", oid)),
			where:  ` WHERE _ferretdb_sjson->"_id" = ?`,
			args:   []any{`"0102030405060708090a0b0c"`},
		},
		"IDNumberIsLeftToTheHandler": {
			filter: must.NotFail(types.NewDocument("_id", int32(1))),
		},
		"IDIn": {
			filter: must.NotFail(types.NewDocument("_id", must.NotFail(types.NewDocument(
				"$in", must.NotFail(types.NewArray("a", "b", oid)),
			)))),
			where: ` WHERE _ferretdb_sjson->"_id" IN (?, ?, ?)`,
			args:  []any{`"a"`, `"b"`, `"0102030405060708090a0b0c"`},
		},
		"IDInWithANumberIsLeftToTheHandler": {
			filter: must.NotFail(types.NewDocument("_id", must.NotFail(types.NewDocument(
				"$in", must.NotFail(types.NewArray("a", int32(2))),
			)))),
		},
		"IDInEmptyIsLeftToTheHandler": {
			filter: must.NotFail(types.NewDocument("_id", must.NotFail(types.NewDocument(
				"$in", must.NotFail(types.NewArray()),
			)))),
		},
		"IDWithTwoOperatorsIsLeftToTheHandler": {
			filter: must.NotFail(types.NewDocument("_id", must.NotFail(types.NewDocument(
				"$in", must.NotFail(types.NewArray("a")), "$ne", "b",
			)))),
		},
		"IDNotInIsLeftToTheHandler": {
			filter: must.NotFail(types.NewDocument("_id", must.NotFail(types.NewDocument(
				"$nin", must.NotFail(types.NewArray("a")),
			)))),
		},
		"FirstKeyOfAnIndex": {
			filter: must.NotFail(types.NewDocument("customerId", "c1")),
			where:  ` WHERE ` + customerID,
			args:   []any{`"c1"`},
		},
		"FirstKeyOfAnIndexIn": {
			filter: must.NotFail(types.NewDocument("customerId", must.NotFail(types.NewDocument(
				"$in", must.NotFail(types.NewArray("c1", "c2")),
			)))),
			where: ` WHERE (_ferretdb_sjson->"customerId" IN (?, ?) OR (_ferretdb_sjson->"customerId" >= '[' AND _ferretdb_sjson->"customerId" < '\'))`,
			args:  []any{`"c1"`, `"c2"`},
		},
		"FirstKeyOfAnIndexInWithANumberIsLeftToTheHandler": {
			filter: must.NotFail(types.NewDocument("customerId", must.NotFail(types.NewDocument(
				"$in", must.NotFail(types.NewArray("c1", int64(2))),
			)))),
		},
		"SecondKeyOfAnIndexIsLeftToTheHandler": {
			filter: must.NotFail(types.NewDocument("seq", "1")),
		},
		"UnindexedFieldIsLeftToTheHandler": {
			filter: must.NotFail(types.NewDocument("email", "a@example.com")),
		},
		"IndexedFieldWithANumberIsLeftToTheHandler": {
			filter: must.NotFail(types.NewDocument("status", int32(1))),
		},
		"IndexedFieldWithAnOperatorIsLeftToTheHandler": {
			filter: must.NotFail(types.NewDocument("status", must.NotFail(types.NewDocument("$eq", "open")))),
		},
		"SeveralKeysAreANDed": {
			filter: must.NotFail(types.NewDocument("customerId", "c1", "seq", int32(3), "_id", "c1#3")),
			where:  ` WHERE ` + customerID + ` AND _ferretdb_sjson->"_id" = ?`,
			args:   []any{`"c1"`, `"c1#3"`},
		},
		"RepeatedKeyIsLeftToTheHandler": {
			filter: must.NotFail(types.NewDocument("_id", "a", "_id", "b")),
		},
		"OperatorKeysAreLeftToTheHandler": {
			filter: must.NotFail(types.NewDocument("$comment", "x", "$and", must.NotFail(types.NewArray()))),
		},
	} {
		name, tc := name, tc
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			where, args := prepareWhereClause(meta, tc.filter)
			assert.Equal(t, tc.where, where)
			assert.Equal(t, tc.args, args)
		})
	}
}

// TestPushdownUsesIndexes checks on a real SQLite database that every pushed-down clause is an
// index search, and that it never drops a document the filter matches (arrays included).
func TestPushdownUsesIndexes(t *testing.T) {
	t.Parallel()

	ctx := testutil.Ctx(t)

	sp, err := state.NewProvider("")
	require.NoError(t, err)

	b, err := NewBackend(&NewBackendParams{URI: testutil.TestSQLiteURI(t, ""), L: testutil.Logger(t), P: sp, BatchSize: 100})
	require.NoError(t, err)
	t.Cleanup(b.Close)

	dbName, cName := testutil.DatabaseName(t), testutil.CollectionName(t)

	db, err := b.Database(dbName)
	require.NoError(t, err)

	coll, err := db.Collection(cName)
	require.NoError(t, err)

	_, err = coll.CreateIndexes(ctx, &backends.CreateIndexesParams{Indexes: []backends.IndexInfo{
		{Name: "customerId_seq", Key: []backends.IndexKeyPair{{Field: "customerId"}, {Field: "seq", Descending: true}}, Unique: true},
	}})
	require.NoError(t, err)

	docs := []*types.Document{
		must.NotFail(types.NewDocument("_id", "c1#1", "customerId", "c1", "seq", int32(1))),
		must.NotFail(types.NewDocument("_id", "c1#2", "customerId", "c1", "seq", int32(2))),
		must.NotFail(types.NewDocument("_id", "c2#1", "customerId", "c2", "seq", int32(1))),
		must.NotFail(types.NewDocument("_id", "multi", "customerId", must.NotFail(types.NewArray("c1", "c3")), "seq", int32(9))),
		must.NotFail(types.NewDocument("_id", "none", "seq", int32(1))),
	}
	_, err = coll.InsertAll(ctx, &backends.InsertAllParams{Docs: docs})
	require.NoError(t, err)

	for name, tc := range map[string]struct {
		filter *types.Document
		ids    []string // what the pushed-down clause must return, at least
	}{
		"ID":           {filter: must.NotFail(types.NewDocument("_id", "c1#2")), ids: []string{"c1#2"}},
		"IDIn":         {filter: must.NotFail(types.NewDocument("_id", must.NotFail(types.NewDocument("$in", must.NotFail(types.NewArray("c2#1", "none", "absent")))))), ids: []string{"c2#1", "none"}},
		"IndexedKey":   {filter: must.NotFail(types.NewDocument("customerId", "c1")), ids: []string{"c1#1", "c1#2", "multi"}},
		"IndexedKeyIn": {filter: must.NotFail(types.NewDocument("customerId", must.NotFail(types.NewDocument("$in", must.NotFail(types.NewArray("c2", "c9")))))), ids: []string{"c2#1", "multi"}},
	} {
		name, tc := name, tc
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			res, err := coll.Query(ctx, &backends.QueryParams{Filter: tc.filter})
			require.NoError(t, err)

			found, err := iterator.ConsumeValues[struct{}, *types.Document](res.Iter)
			require.NoError(t, err)

			var ids []string
			for _, doc := range found {
				ids = append(ids, must.NotFail(doc.Get("_id")).(string))
			}
			assert.ElementsMatch(t, tc.ids, ids)

			explain, err := coll.Explain(ctx, &backends.ExplainParams{Filter: tc.filter})
			require.NoError(t, err)
			assert.True(t, explain.FilterPushdown)

			plan := must.NotFail(explain.QueryPlanner.Get("Plan")).(*types.Array)
			require.NotZero(t, plan.Len())

			var details []string
			for i := 0; i < plan.Len(); i++ {
				details = append(details, must.NotFail(plan.Get(i)).(string)) // "id=.. parent=.. notused=.. detail=.."
			}
			text := strings.Join(details, "\n")
			assert.Contains(t, text, "USING INDEX", "plan: %s", text)
			assert.NotContains(t, text, "detail=SCAN", "plan: %s", text)
		})
	}

}

// TestIDColumnUsesTheIDIndex checks that updates and deletes by _id (UpdateAll, DeleteAll) are index searches.
func TestIDColumnUsesTheIDIndex(t *testing.T) {
	t.Parallel()

	ctx := testutil.Ctx(t)

	sp, err := state.NewProvider("")
	require.NoError(t, err)

	r, err := metadata.NewRegistry(testutil.TestSQLiteURI(t, ""), 100, testutil.Logger(t), sp)
	require.NoError(t, err)
	t.Cleanup(r.Close)

	dbName, cName := testutil.DatabaseName(t), testutil.CollectionName(t)
	_, err = r.CollectionCreate(ctx, &metadata.CollectionCreateParams{DBName: dbName, Name: cName})
	require.NoError(t, err)

	table := r.CollectionGet(ctx, dbName, cName).TableName
	db := r.DatabaseGetExisting(ctx, dbName)

	for _, statement := range []string{
		fmt.Sprintf(`UPDATE %q SET %s = '{}' WHERE %s = ?`, table, metadata.DefaultColumn, metadata.IDColumn),
		fmt.Sprintf(`DELETE FROM %q WHERE %s IN (?)`, table, metadata.IDColumn),
	} {
		rows, err := db.QueryContext(ctx, `EXPLAIN QUERY PLAN `+statement, `"c1#1"`)
		require.NoError(t, err)

		var plan []string
		for rows.Next() {
			var id, parent, notused int32
			var detail string
			require.NoError(t, rows.Scan(&id, &parent, &notused, &detail))
			plan = append(plan, detail)
		}
		require.NoError(t, rows.Err())
		require.NoError(t, rows.Close())

		assert.Contains(t, strings.Join(plan, "\n"), "USING INDEX", "%s: %v", statement, plan)
	}
}
