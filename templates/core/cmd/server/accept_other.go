//go:build !unix

package main

import "net"

// acceptQueued is the last look before the listener closes; on this
// system the listener closes without it.
func acceptQueued(net.Listener) (net.Conn, bool) { return nil, false }
