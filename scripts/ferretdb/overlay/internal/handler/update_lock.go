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

import "sync"

// updateLocks holds one mutex per collection (keyed "<database>.<collection>"), taken by
// every update and findAndModify statement from before it reads until after it writes.
//
// FerretDB's handler updates a document by reading it, applying the update in Go and
// writing it back by _id. v1.24.2 took no lock around that, so two concurrent
// conditional updates of one document could both read the old version and both apply:
// the later write silently undid the earlier one, where MongoDB applies the second
// update to the first's result (or not at all, if its filter no longer matches).
// Holding this lock makes updates of a collection atomic against each other. Inserts
// and deletes do not take it: an insert is atomic through the unique indexes, and an
// update of a document deleted meanwhile writes nothing.
var updateLocks sync.Map

// lockUpdates waits for the update lock of a collection and answers the function that releases it.
func lockUpdates(db, collection string) func() {
	mu, _ := updateLocks.LoadOrStore(db+"."+collection, new(sync.Mutex))
	m := mu.(*sync.Mutex)
	m.Lock()

	return m.Unlock
}
