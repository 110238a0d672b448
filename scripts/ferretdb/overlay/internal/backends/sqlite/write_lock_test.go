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

// This file is not part of FerretDB v1.24.2: customer-profile-gateway adds it beside write_lock.go.

package sqlite

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/iterator"
	"github.com/FerretDB/FerretDB/internal/util/must"
	"github.com/FerretDB/FerretDB/internal/util/state"
	"github.com/FerretDB/FerretDB/internal/util/testutil"
)

// TestConcurrentWritesQueue writes from many goroutines at once with SQLite's busy handler
// off (busy_timeout 0): a write that met another's lock in SQLite would fail at once with
// SQLITE_BUSY, so every write succeeding shows that writers wait for each other in Go.
func TestConcurrentWritesQueue(t *testing.T) {
	t.Parallel()

	ctx := testutil.Ctx(t)

	sp, err := state.NewProvider("")
	require.NoError(t, err)

	uri := testutil.TestSQLiteURI(t, "file:./?_pragma=busy_timeout(0)")
	b, err := NewBackend(&NewBackendParams{URI: uri, L: testutil.Logger(t), P: sp, BatchSize: 100})
	require.NoError(t, err)
	t.Cleanup(b.Close)

	db, err := b.Database(testutil.DatabaseName(t))
	require.NoError(t, err)

	coll, err := db.Collection(testutil.CollectionName(t))
	require.NoError(t, err)

	// The table exists before the writers start: creating it is not a write of a collection.
	_, err = coll.InsertAll(ctx, &backends.InsertAllParams{Docs: []*types.Document{must.NotFail(types.NewDocument("_id", "first"))}})
	require.NoError(t, err)

	const writers, writes = 16, 25

	var wg sync.WaitGroup
	errs := make(chan error, writers*writes*3)

	for w := range writers {
		wg.Add(1)

		go func() {
			defer wg.Done()

			for i := range writes {
				id := fmt.Sprintf("w%d-%d", w, i)
				doc := must.NotFail(types.NewDocument("_id", id, "n", int32(i)))

				if _, err := coll.InsertAll(ctx, &backends.InsertAllParams{Docs: []*types.Document{doc}}); err != nil {
					errs <- err
				}

				updated := must.NotFail(types.NewDocument("_id", id, "n", int32(-i)))

				if _, err := coll.UpdateAll(ctx, &backends.UpdateAllParams{Docs: []*types.Document{updated}}); err != nil {
					errs <- err
				}

				if i%2 == 0 {
					if _, err := coll.DeleteAll(ctx, &backends.DeleteAllParams{IDs: []any{id}}); err != nil {
						errs <- err
					}
				}
			}
		}()
	}

	wg.Wait()
	close(errs)

	for err := range errs {
		require.NoError(t, err)
	}

	res, err := coll.Query(ctx, nil)
	require.NoError(t, err)

	docs, err := iterator.ConsumeValues(res.Iter)
	require.NoError(t, err)
	require.Len(t, docs, 1+writers*(writes/2))
}
