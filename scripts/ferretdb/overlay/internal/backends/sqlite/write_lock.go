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

package sqlite

import (
	"sync"

	"github.com/FerretDB/FerretDB/internal/util/fsql"
)

// writeLocks holds one mutex per database (*fsql.DB), taken by every write of a collection.
//
// SQLite lets one connection at a time write a database. v1.24.2 leaves concurrent
// writers to SQLite's busy handler, which sleeps between retries in growing steps (1, 2,
// 5, 10, ... 100 ms), so under concurrent writes a write waits tens of milliseconds for
// a lock held for one. Taking a mutex first queues the writers in Go instead, each handed
// the lock the moment the previous one commits. SQLite still guards the file itself.
var writeLocks sync.Map

// lockWrites waits for the write lock of db and answers the function that releases it.
func lockWrites(db *fsql.DB) func() {
	mu, _ := writeLocks.LoadOrStore(db, new(sync.Mutex))
	m := mu.(*sync.Mutex)
	m.Lock()

	return m.Unlock
}
