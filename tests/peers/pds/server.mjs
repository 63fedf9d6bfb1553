// The reference Bluesky PDS with a local in-memory PLC directory, for cmkit's tests.
//
// Usage: node server.mjs PLC_PORT PDS_PORT DATA_DIR
// Prints one JSON line {"ready": true, ...} on stdout once both listen; stops cleanly
// on SIGTERM/SIGINT (and when stdin closes, so a killed test run leaves no server behind).
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

import plc from '@did-plc/server'
import { PDS, envToCfg, envToSecrets, readEnv } from '@atproto/pds'

const [plcPort, pdsPort, dataDir] = process.argv.slice(2)
if (!plcPort || !pdsPort || !dataDir) {
  console.error('usage: node server.mjs PLC_PORT PDS_PORT DATA_DIR')
  process.exit(2)
}

const blobs = join(dataDir, 'blobs')
mkdirSync(blobs, { recursive: true })
Object.assign(process.env, {
  PDS_HOSTNAME: 'localhost',
  PDS_PORT: pdsPort,
  PDS_DATA_DIRECTORY: dataDir,
  PDS_BLOBSTORE_DISK_LOCATION: blobs,
  PDS_JWT_SECRET: randomBytes(16).toString('hex'),
  PDS_ADMIN_PASSWORD: 'admin-pass',
  PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX: randomBytes(32).toString('hex'),
  PDS_DID_PLC_URL: `http://localhost:${plcPort}`,
  PDS_DEV_MODE: 'true',
  PDS_INVITE_REQUIRED: 'false',
  // no crawlers, no AppView: nothing leaves the machine
  PDS_CRAWLERS: '',
  LOG_ENABLED: process.env.LOG_ENABLED ?? 'false',
})

const plcServer = plc.PlcServer.create({ db: plc.Database.mock(), port: Number(plcPort) })
await plcServer.start()
const env = readEnv()
const pds = await PDS.create(envToCfg(env), envToSecrets(env))
await pds.start()
process.stdout.write(
  JSON.stringify({ ready: true, plc: Number(plcPort), pds: Number(pdsPort), pid: process.pid }) +
    '\n',
)

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  try {
    await pds.destroy()
    await plcServer.destroy()
  } finally {
    process.exit(0)
  }
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
process.stdin.on('end', stop)
process.stdin.resume()
