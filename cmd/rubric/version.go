package main

import (
	"fmt"
	"io"
	"runtime"
)

func runVersion(stdout io.Writer) error {
	_, err := fmt.Fprintf(stdout, "rubric %s (%s)\n", version, runtime.Version())
	return err
}
