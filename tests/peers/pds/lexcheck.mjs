// Validates XRPC outputs against the official Bluesky lexicons, with the reference
// implementation's own validator (the schemas @atproto/pds is built from).
//
// Reads one JSON object per line on stdin: {"nsid": "app.bsky.feed.getPosts", "value": {...}}
// and writes one line per input: {"ok": true} or {"ok": false, "error": "…"}.
import { createInterface } from 'node:readline'

import { app, com } from '@atproto/pds'

const roots = { app, com }

function schemaFor(nsid) {
  let node = roots
  for (const part of nsid.split('.')) node = node?.[part]
  if (!node?.$output?.schema) throw new Error(`no output schema for ${nsid}`)
  return node.$output.schema
}

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue
  let answer
  try {
    const { nsid, value } = JSON.parse(line)
    const result = schemaFor(nsid).safeParse(value)
    answer = result.success ? { ok: true } : { ok: false, error: result.message }
  } catch (err) {
    answer = { ok: false, error: String(err?.message ?? err) }
  }
  process.stdout.write(JSON.stringify(answer) + '\n')
}
