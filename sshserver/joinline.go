package sshserver

import (
	"net"
	"regexp"
)

// publicHostPattern is what Config.PublicHost may be: a host name, an IPv4
// address or a bracketed IPv6 one, with an optional port. It is shown on
// screens as a command to paste: nothing else gets in.
var publicHostPattern = regexp.MustCompile(`^([A-Za-z0-9]([A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(:[0-9]{1,5})?$`)

// joinCommand is how others join a session over SSH, up to its code: `ssh
// -t -p PORT HOST join`. The host and port are Config.PublicHost's where
// it gives them, else those of local, the address the client connected
// to (which may differ per client: a LAN address, localhost).
func (s *Server) joinCommand(local net.Addr) string {
	host, port := s.cfg.PublicHost, ""
	if h, p, err := net.SplitHostPort(host); err == nil {
		host, port = h, p
	}
	if local != nil {
		if h, p, err := net.SplitHostPort(local.String()); err == nil {
			if host == "" {
				host = h
			}
			if port == "" {
				port = p
			}
		}
	}
	if host == "" || port == "" {
		return ""
	}
	return "ssh -t -p " + port + " " + host + " join"
}
