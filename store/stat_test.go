package store_test

import "os"

// statDir returns a directory's mode as ls shows it.
func statDir(path string) (string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	return info.Mode().String(), nil
}
