package state

import "github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"

// Coordinated returns a copy of c whose writes are coordinated through the store
// with the replicas that share it: a create holds its name's lock across replicas
// and consults the record of creates, an update holds its client's lock, with
// leases of c's CreateLockTTL; and while the store is out of reach, creates and
// updates are refused with nothing sent to GitScrum (see
// gitscrum.CreateCoordinator). Give the copy to the adapters instead of c.
func (s *State) Coordinated(c *gitscrum.Client, cfg Config) *gitscrum.Client {
	return c.WithCreateCoordinator(s.Store, cfg.CreateLockTTL)
}
