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

// This file is not part of FerretDB v1.24.2: customer-profile-gateway adds it.

package handler

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/backends/sqlite"
	"github.com/FerretDB/FerretDB/internal/handler/common"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/iterator"
	"github.com/FerretDB/FerretDB/internal/util/must"
	"github.com/FerretDB/FerretDB/internal/util/state"
	"github.com/FerretDB/FerretDB/internal/util/testutil"
)

// TestUpdatesAreAtomic sends many updates of one document at once: increments, which all
// count only if no update is applied to a stale read, and conditional updates (the seq
// moves only forward), which must leave the highest value sent. Without the update lock
// both lose updates.
func TestUpdatesAreAtomic(t *testing.T) {
	t.Parallel()

	ctx := testutil.Ctx(t)

	sp, err := state.NewProvider("")
	require.NoError(t, err)

	b, err := sqlite.NewBackend(&sqlite.NewBackendParams{URI: testutil.TestSQLiteURI(t, ""), L: testutil.Logger(t), P: sp, BatchSize: 100})
	require.NoError(t, err)

	h, err := New(&NewOpts{Backend: b, L: testutil.Logger(t), StateProvider: sp})
	require.NoError(t, err)
	t.Cleanup(h.Close)

	dbName, cName := testutil.DatabaseName(t), testutil.CollectionName(t)

	// update sends one update command, as a client would.
	update := func(filter, u *types.Document) {
		params, err := common.GetUpdateParams(must.NotFail(types.NewDocument(
			"update", cName,
			"updates", must.NotFail(types.NewArray(must.NotFail(types.NewDocument("q", filter, "u", u)))),
			"$db", dbName,
		)), h.L)
		require.NoError(t, err)

		_, _, _, err = h.updateDocument(ctx, params)
		require.NoError(t, err)
	}

	db, err := h.b.Database(dbName)
	require.NoError(t, err)
	require.NoError(t, db.CreateCollection(ctx, &backends.CreateCollectionParams{Name: cName}))
	c, err := db.Collection(cName)
	require.NoError(t, err)

	_, err = c.InsertAll(ctx, &backends.InsertAllParams{
		Docs: []*types.Document{must.NotFail(types.NewDocument("_id", "doc", "n", int32(0), "seq", int32(0)))},
	})
	require.NoError(t, err)

	const goroutines, each = 16, 40

	var wg sync.WaitGroup

	for g := 0; g < goroutines; g++ {
		wg.Add(1)

		go func(g int) {
			defer wg.Done()

			for i := 0; i < each; i++ {
				update(must.NotFail(types.NewDocument("_id", "doc")), must.NotFail(types.NewDocument(
					"$inc", must.NotFail(types.NewDocument("n", int32(1))),
				)))

				// Goroutine g sends seq values g+1, g+1+goroutines, ...: the highest is goroutines*each.
				seq := int32(g + 1 + i*goroutines)
				update(
					must.NotFail(types.NewDocument("_id", "doc", "seq", must.NotFail(types.NewDocument("$lt", seq)))),
					must.NotFail(types.NewDocument("$set", must.NotFail(types.NewDocument("seq", seq)))),
				)
			}
		}(g)
	}

	wg.Wait()

	res, err := c.Query(ctx, nil)
	require.NoError(t, err)

	docs, err := iterator.ConsumeValues(res.Iter)
	require.NoError(t, err)
	require.Len(t, docs, 1)
	require.Equal(t, int32(goroutines*each), must.NotFail(docs[0].Get("n")), "increments lost")
	require.Equal(t, int32(goroutines*each), must.NotFail(docs[0].Get("seq")), "a stale conditional update overwrote a later one")
}
