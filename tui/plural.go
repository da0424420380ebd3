package tui

// count writes n with its noun in the singular or the plural: "1 topic",
// "2 topics", "0 topics". many is the plural; "" means one+"s".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	if many == "" {
		many = one + "s"
	}
	return itoa(n) + " " + many
}
