package session

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Join codes look like "maple-otter-kite-40721": three words from joinWords
// and a five-digit number. Each word carries 8 bits (256 words) and the number
// log2(90000) ≈ 16.5 bits, about 40.5 bits in all: enough that guessing a live
// code is hopeless, while the code stays short enough to read out in a
// stand-up and type without copy and paste.
const (
	joinCodeWords = 3
	joinNumMin    = 10000 // smallest number: always five digits, no leading 0
	joinNumSpan   = 90000 // how many numbers: 10000–99999
	// joinNumLimit is the largest multiple of joinNumSpan not above 2^24;
	// 24-bit draws at or above it are rejected so each number is equally
	// likely (about 0.2% of draws are).
	joinNumLimit = (1 << 24) / joinNumSpan * joinNumSpan
	// maxJoinCodeInput bounds what ParseJoinCode looks at after trimming.
	maxJoinCodeInput = 64
)

// joinWords are the words of join codes: 256 short (3–6 letters), common,
// lowercase English nouns that are easy to say and spell. None is a prefix of
// another, none has a common homophone (no "pear", "sea", "two"), none has two
// common spellings, and none is offensive. Its length is part of its type:
// one byte of randomness picks one word.
var joinWords = [256]string{
	"acorn", "alarm", "album", "amber", "anchor", "anvil", "apple",
	"apron", "arrow", "atlas", "autumn", "badge", "bagel", "bamboo",
	"banjo", "barrel", "basket", "beaver", "beetle", "bench", "bike",
	"bison", "bottle", "brick", "bridge", "broom", "bucket", "button",
	"cabin", "cactus", "camel", "camera", "canal", "candle", "canoe",
	"canyon", "carpet", "castle", "cedar", "chair", "chalk", "cheese",
	"cherry", "chess", "circle", "clock", "cloud", "clover", "coast",
	"cobra", "coffee", "comet", "cookie", "copper", "cotton", "cowboy",
	"crab", "crane", "crayon", "crown", "cup", "daisy", "dance", "delta",
	"dingo", "door", "dragon", "drum", "duck", "dune", "eagle", "easel",
	"echo", "egg", "elbow", "engine", "fabric", "falcon", "fence", "fern",
	"fiddle", "finch", "flag", "flame", "flute", "foam", "forest",
	"fossil", "fox", "frog", "frost", "fruit", "fudge", "garden", "garlic",
	"gecko", "ginger", "glass", "globe", "goat", "golf", "grape", "gravel",
	"guitar", "hammer", "harp", "hawk", "hazel", "helmet", "heron",
	"honey", "hotel", "husky", "igloo", "iron", "island", "ivy", "jacket",
	"jaguar", "jelly", "jersey", "jigsaw", "juice", "jungle", "kayak",
	"kettle", "kite", "kiwi", "koala", "ladder", "lagoon", "lamp", "lava",
	"lemon", "lentil", "letter", "lily", "lime", "lion", "lizard", "lotus",
	"magnet", "magpie", "mango", "maple", "marble", "meadow", "mint",
	"mirror", "mitten", "monkey", "moss", "muffin", "mug", "napkin",
	"needle", "nest", "noodle", "north", "oak", "oasis", "ocean", "olive",
	"onion", "orange", "orbit", "otter", "oven", "owl", "panda", "paper",
	"parrot", "pasta", "peach", "peanut", "pebble", "pencil", "pepper",
	"piano", "pickle", "pillow", "pilot", "pine", "pizza", "planet",
	"pony", "poppy", "potato", "puppet", "puzzle", "quilt", "rabbit",
	"radar", "radish", "raft", "raven", "rhino", "ribbon", "river",
	"robot", "rocket", "ruby", "saddle", "salad", "sandal", "scarf",
	"shark", "shell", "shovel", "silver", "skate", "sled", "sloth",
	"snail", "spider", "sponge", "spoon", "squid", "stamp", "stone",
	"storm", "sugar", "summer", "sunset", "swan", "table", "tent", "tiger",
	"toast", "tomato", "torch", "tower", "tuba", "tulip", "tundra",
	"tunnel", "turtle", "twig", "valley", "velvet", "violin", "waffle",
	"wagon", "walnut", "walrus", "wand", "wheat", "willow", "window",
	"winter", "wizard", "wolf", "wombat", "zebra", "zigzag", "zipper",
}

// joinWordSet is joinWords as a set, for ParseJoinCode.
var joinWordSet = func() map[string]bool {
	m := make(map[string]bool, len(joinWords))
	for _, w := range joinWords {
		m[w] = true
	}
	return m
}()

// NewJoinCode returns a new join code of the form "word-word-word-NNNNN":
// three words from a fixed list of 256, each chosen by one byte from r, and a
// number from 10000 to 99999, chosen uniformly by rejection sampling from
// 24-bit draws from r. That is about 40.5 bits of entropy.
//
// In production r is crypto/rand.Reader; tests may pass a deterministic
// reader. An error reading r is returned, wrapped, with an empty code.
func NewJoinCode(r io.Reader) (string, error) {
	var buf [joinCodeWords]byte
	if _, err := io.ReadFull(r, buf[:]); err != nil {
		return "", fmt.Errorf("session: join code: %w", err)
	}
	var b strings.Builder
	for _, x := range buf {
		b.WriteString(joinWords[x])
		b.WriteByte('-')
	}
	for {
		var n [3]byte
		if _, err := io.ReadFull(r, n[:]); err != nil {
			return "", fmt.Errorf("session: join code: %w", err)
		}
		v := int(n[0])<<16 | int(n[1])<<8 | int(n[2])
		if v < joinNumLimit {
			b.WriteString(strconv.Itoa(joinNumMin + v%joinNumSpan))
			return b.String(), nil
		}
	}
}

// ParseJoinCode reads a join code as a person typed it and returns it in the
// canonical form NewJoinCode produces. It trims surrounding white space,
// ignores ASCII case, and accepts any run of spaces, tabs or dashes between
// the parts, so "Maple Otter  kite-40721" becomes "maple-otter-kite-40721".
// It reports false unless the input has exactly three words from the join
// code word list followed by a number from 10000 to 99999 written as five
// ASCII digits. It says nothing about whether a session with that code
// exists.
func ParseJoinCode(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxJoinCodeInput {
		return "", false
	}
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '-'
	})
	if len(parts) != joinCodeWords+1 {
		return "", false
	}
	for i, p := range parts[:joinCodeWords] {
		w := asciiLower(p)
		if !joinWordSet[w] {
			return "", false
		}
		parts[i] = w
	}
	num := parts[joinCodeWords]
	if len(num) != 5 || num[0] == '0' {
		return "", false
	}
	for i := range len(num) {
		if num[i] < '0' || num[i] > '9' {
			return "", false
		}
	}
	return strings.Join(parts, "-"), true
}

// asciiLower lowercases ASCII letters only, so that no non-ASCII rune can
// case-fold its way into a word (as the Kelvin sign K would with
// strings.ToLower).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
