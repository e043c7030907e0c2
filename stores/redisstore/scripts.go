package redisstore

import "github.com/redis/go-redis/v9"

// The scripts take the session's Redis key as KEYS[1] and nothing else, so
// each runs on one slot of a cluster. In every script that writes an
// expiry, ARGV[1] is that expiry as encoded by expiryArg. Field lists go to
// HSET and HDEL in chunks because Lua's unpack is limited to a few thousand
// values.

// luaLive defines live, which reports whether KEYS[1] exists and has not
// expired by now, the application's clock in Unix milliseconds, as Load
// judges it: Redis keeps a key until its own clock passes the expiry, so
// without the check a write could revive, or a pop read, a session Load
// already reports gone.
const luaLive = `
local function live(now)
  local at = redis.call('PEXPIRETIME', KEYS[1])
  return at == -1 or at > tonumber(now)
end
`

// luaSetExpiry adds setexpiry, which sets KEYS[1]'s TTL to ARGV[1] (a
// timestamp in the past makes Redis delete the key), and chunked.
const luaSetExpiry = luaLive + `
local function setexpiry()
  if ARGV[1] == '0' then
    redis.call('PERSIST', KEYS[1])
  else
    redis.call('PEXPIREAT', KEYS[1], ARGV[1])
  end
end
local function chunked(cmd, from, to)
  for i = from, to, 1000 do
    redis.call(cmd, KEYS[1], unpack(ARGV, i, math.min(i + 999, to)))
  end
end
`

// loadScript returns false for a missing key, otherwise
// {PEXPIRETIME, HGETALL}. Redis evaluates a script at one frozen instant,
// so an expired key is never half-read.
var loadScript = redis.NewScript(`
local v = redis.call('HGETALL', KEYS[1])
if #v == 0 then return false end
return {redis.call('PEXPIRETIME', KEYS[1]), v}
`)

// saveScript replaces KEYS[1] with the marker plus the field/value pairs in
// ARGV[2..].
var saveScript = redis.NewScript(luaSetExpiry + `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], '` + markerField + `', '` + layoutVersion + `')
chunked('HSET', 2, #ARGV)
setexpiry()
return 1
`)

// patchScript changes a live KEYS[1] only. ARGV[2] is the application's
// clock (see live), ARGV[3] the number n of fields to delete,
// ARGV[4..3+n] those fields, and the rest field/value pairs to set. Sets go
// first so a field in both lists ends up deleted, as in core.MemoryStore.
var patchScript = redis.NewScript(luaSetExpiry + `
if not live(ARGV[2]) then return 0 end
local first = 4 + tonumber(ARGV[3])
chunked('HSET', first, #ARGV)
chunked('HDEL', 4, first - 1)
setexpiry()
return 1
`)

// touchScript moves the expiry of a live KEYS[1] only. ARGV[2] is the
// application's clock (see live).
var touchScript = redis.NewScript(luaSetExpiry + `
if not live(ARGV[2]) then return 0 end
setexpiry()
return 1
`)

// popScript removes the field ARGV[2] of a live KEYS[1] and returns its
// value, or false when the session is gone or lacks the field. ARGV[1] is
// the application's clock (see live). The TTL is left alone, and the
// marker keeps the session when its last value goes.
var popScript = redis.NewScript(luaLive + `
if not live(ARGV[1]) then return false end
local v = redis.call('HGET', KEYS[1], ARGV[2])
if not v then return false end
redis.call('HDEL', KEYS[1], ARGV[2])
return v
`)
