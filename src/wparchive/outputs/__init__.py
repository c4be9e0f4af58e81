"""Outputs: taking the archive to people and their tools. The search index (`index`), exports to JSON Lines,
CSV, SQLite (`export`) and WARC (`warc`), a site's timeline (`timeline`) and shareable HTML pages
(`html`). Reads the archive through its stage's API; the files stay the source of truth."""
