package export

// MarkdownText escapes text people typed for Markdown as the minutes do:
// it renders as typed, and a mention, an issue reference or a URL is set as
// inline code, so that it pings nobody and links nothing.
func MarkdownText(s string) string { return md(s) }
