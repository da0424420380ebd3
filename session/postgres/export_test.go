package postgres

import "time"

// SetHeartbeat shortens the doorbell's heartbeat for tests.
func SetHeartbeat(s *Store, every, timeout time.Duration) {
	s.heartbeat, s.pingTimeout = every, timeout
}

// ListenerName is the application_name of the doorbell's connection.
const ListenerName = listenerName
