package export

// standup writes the minutes of a stand-up, after the document's head.
func (p page) standup() {
	p.fact("Facilitator", esc(p.sum.Facilitator))
	p.startAndDuration("the rounds")
	p.endHeader()
	p.attendance()
	p.turns()
	p.blockers()
	p.parkingLot()
	p.decisions()
}

// turns writes each turn against its time-box, as a table and a chart.
func (p page) turns() {
	p.section("turns", "Turns")
	defer p.endSection()
	if len(p.sum.Turns) == 0 {
		p.para("The rounds did not start.")
		return
	}
	var rows [][]markup
	var bars []hbar
	for _, t := range p.sum.Turns {
		note := turnNote(t)
		rows = append(rows, []markup{esc(t.Speaker), clk(t.Used), clk(t.Budget), markup(note)})
		words := clock(t.Used) + " of " + clock(t.Budget)
		if note != "" {
			words += ", " + note
		}
		bars = append(bars, hbar{label: t.Speaker, value: t.Used.Seconds(), box: t.Budget.Seconds(), words: words})
	}
	p.table([]markup{"Speaker", "Time used", "Time-box", "Note"}, "-rr-", rows)
	p.hbars(hchart{
		id:      "turns-chart",
		title:   "Time per speaker against the turn time-box",
		caption: "Time each speaker used, turn by turn. The vertical mark is the turn's time-box; time beyond it is drawn in a second colour and labelled over.",
		labelW:  150, wordsW: 240, boxed: true,
	}, bars)
}

func (p page) blockers() {
	p.section("blockers", "Blockers")
	defer p.endSection()
	if len(p.sum.Blockers) == 0 {
		p.para("None.")
		return
	}
	items := make([]markup, len(p.sum.Blockers))
	for i, b := range p.sum.Blockers {
		items[i] = "<strong>" + esc(b.Speaker) + "</strong>: " + esc(b.Text)
	}
	p.list(items)
}
