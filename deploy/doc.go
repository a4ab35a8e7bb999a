// Package deploy holds the deployment files of gitscrum-bridge: a Dockerfile that
// builds gitscrum-mcp or gitscrum-slack into a minimal non-root image, and Kubernetes
// manifests for gitscrum-mcp --http and gitscrum-slack in HTTP mode. It has no code.
// Its tests check those files, and the MCP Registry's server.json at the repository
// root, against the binaries themselves, with a real Dockerfile parser and the
// Kubernetes API types: no Docker engine or cluster is needed.
package deploy
