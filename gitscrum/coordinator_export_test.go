package gitscrum

// CreateKeys returns the lock keys of a create, as CreateClientIfNew takes them
// in the state store, so a test can hold them as another replica would.
func CreateKeys(req CreateClientRequest) []string { return createKeys(req.trimmed()) }
