package redisstore

import "github.com/redis/go-redis/v9"

// The scripts take one Redis key as KEYS[1] and nothing else, so each runs
// on one slot of a cluster: a session's hash, or, for the index scripts,
// an owner's index. In every script that writes an
// expiry, ARGV[1] is that expiry as encoded by expiryArg. Field lists go to
// HSET and HDEL in chunks because Lua's unpack is limited to a few thousand
// values.

// luaLive defines live, which reports whether KEYS[1] is a record (it
// has the marker) that has not expired by now, the application's clock
// in Unix milliseconds, as Load judges it: Redis keeps a key until its
// own clock passes the expiry, so without the check a pop could read a
// session Load already reports gone. It reads the TTL rather than the
// expiry field, which an older version's Touch leaves behind.
//
// It also defines seen, which sets the owner's Seen field of an owned
// KEYS[1] to now: the write that a Pop already makes carries it, so an
// owned session costs no extra command.
const luaLive = `
local function live(now)
  if redis.call('HEXISTS', KEYS[1], '` + markerField + `') == 0 then return false end
  local at = redis.call('PEXPIRETIME', KEYS[1])
  return at == -1 or at > tonumber(now)
end
local function seen(now)
  if redis.call('HEXISTS', KEYS[1], '` + ownerIDField + `') == 1 then
    redis.call('HSET', KEYS[1], '` + ownerSeenField + `', now)
  end
end
`

// luaSetExpiry defines setexpiry, which sets KEYS[1]'s TTL to ARGV[1] (a
// timestamp in the past makes Redis delete the key), and chunked.
const luaSetExpiry = `
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

// luaPrevOwner defines prevowner, which returns KEYS[1]'s owner ID and
// generation, {false, false} for an unowned or missing session (or a key
// that is not a hash), for the index entry a rewrite or delete leaves.
const luaPrevOwner = `
local function prevowner()
  if redis.call('TYPE', KEYS[1])['ok'] ~= 'hash' then return {false, false} end
  return redis.call('HMGET', KEYS[1], '` + ownerIDField + `', '` + ownerGenField + `')
end
`

// saveScript replaces KEYS[1] with the marker, the expiry field (ARGV[1])
// and the field/value pairs in ARGV[2..], which include the owner fields
// of an owned record. It returns
// the replaced record's {owner ID, generation} (see prevowner).
var saveScript = redis.NewScript(luaSetExpiry + luaPrevOwner + `
local prev = prevowner()
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], '` + markerField + `', '` + layoutVersion + `', '` + expiryField + `', ARGV[1])
chunked('HSET', 2, #ARGV)
setexpiry()
return prev
`)

// deleteScript deletes KEYS[1] and returns its {owner ID, generation}
// (see prevowner).
var deleteScript = redis.NewScript(luaPrevOwner + `
local prev = prevowner()
redis.call('DEL', KEYS[1])
return prev
`)

// undoScript takes back the writes of a Patch or Touch whose transaction
// found no live record under KEYS[1]. ARGV[1] says what it found:
// "absent", no record, so the key is deleted only while it still lacks
// the marker (a Save since has written one, and stays); "expired", a
// record expired by the application's clock, so the key is deleted only
// while its expiry field is still ARGV[2], the one the Patch or Touch
// wrote (a Save since has written its own).
var undoScript = redis.NewScript(`
if ARGV[1] == 'absent' then
  if redis.call('HEXISTS', KEYS[1], '` + markerField + `') == 1 then return 0 end
elseif redis.call('HGET', KEYS[1], '` + expiryField + `') ~= ARGV[2] then
  return 0
end
return redis.call('DEL', KEYS[1])
`)

// popScript removes the field ARGV[2] of a live KEYS[1] and returns its
// value, or false when the session is gone or lacks the field. ARGV[1] is
// the application's clock (see live), and the owner's Seen of an owned
// session when a value goes. The TTL is left alone, and the
// marker keeps the session when its last value goes.
var popScript = redis.NewScript(luaLive + `
if not live(ARGV[1]) then return false end
local v = redis.call('HGET', KEYS[1], ARGV[2])
if not v then return false end
redis.call('HDEL', KEYS[1], ARGV[2])
seen(ARGV[1])
return v
`)

// ownedScript returns false unless KEYS[1] is a session with an owner,
// otherwise {PEXPIRETIME, {the owner fields in ownerFields' order}}, read
// at one instant, for Owned to check an index entry against.
var ownedScript = redis.NewScript(`
if redis.call('TYPE', KEYS[1])['ok'] ~= 'hash' then return false end
local o = redis.call('HMGET', KEYS[1], ` + luaFieldList + `)
if not o[1] then return false end
return {redis.call('PEXPIRETIME', KEYS[1]), o}
`)

// indexScript sets the entry ARGV[1] (a session key) of the owner index
// KEYS[1] to the generation ARGV[2], and makes the index live at least
// until ARGV[3], Unix milliseconds ("0": for ever). It only ever extends
// the index's TTL: a new index gets ARGV[3]; one with a TTL gets the
// later of the two; "0" makes it persistent, and a persistent one stays
// so. (PEXPIREAT's GT option cannot do this alone: it treats a key
// without a TTL, as a new index is, as one that never expires.)
//
// It first drops the entries whose session has ended by ARGV[4], the
// application's clock in Unix milliseconds: those whose generation
// starts with an end ("<ms>.", see newGeneration) before it. So an
// owner's index holds no more entries than the owner's sessions that can
// still be live, plus those ended since their last login, even when no
// one lists it.
var indexScript = redis.NewScript(`
local now = tonumber(ARGV[4])
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local ends = tonumber(string.match(all[i + 1], '^(%d+)%.'))
  if ends and ends > 0 and ends < now then redis.call('HDEL', KEYS[1], all[i]) end
end
local at = redis.call('PEXPIRETIME', KEYS[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[3] == '0' then
  if at >= 0 then redis.call('PERSIST', KEYS[1]) end
elseif at == -2 or (at >= 0 and tonumber(ARGV[3]) > at) then
  redis.call('PEXPIREAT', KEYS[1], ARGV[3])
end
return 1
`)

// unindexScript deletes from the owner index KEYS[1] each entry of the
// (session key, generation) pairs in ARGV whose generation is still the
// one given, and returns how many it deleted. An entry rewritten since
// by a Save of the same session to the same owner has a new generation
// and stays: that is what makes pruning safe against a racing Save.
var unindexScript = redis.NewScript(`
local n = 0
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    n = n + redis.call('HDEL', KEYS[1], ARGV[i])
  end
end
return n
`)

// rollbackScript deletes KEYS[1] if its generation is still ARGV[1]: a
// Save whose index write failed takes its record back, unless another
// Save has replaced it since.
var rollbackScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], '` + ownerGenField + `') == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)
