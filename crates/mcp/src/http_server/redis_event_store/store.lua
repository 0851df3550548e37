-- Stores one event and keeps the store within its bounds, atomically.
--
-- KEYS[1] the stream's key, KEYS[2] sizes (hash: stream id -> bytes), KEYS[3] recency
-- (sorted set: stream id -> when its latest event was written, in microseconds, strictly
-- increasing), KEYS[4] names (sorted set of stream ids, all scored 0, for prefix queries),
-- KEYS[5] the total of bytes stored, KEYS[6] the latest recency score given.
-- ARGV[1] the key prefix of streams, ARGV[2] the stream id, ARGV[3] '1' when a message
-- follows, ARGV[4] the message, ARGV[5] the byte bound, ARGV[6] the age bound (ms),
-- ARGV[7] what an event costs besides its message.
-- Returns the new entry's id.
local key, sizes, recency, names, total, clock = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local stream_prefix, stream = ARGV[1], ARGV[2]
local max_bytes, max_age, overhead = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])

-- Redis's clock, the same for every replica. Numbers are written with %.0f: Lua would write
-- large ones in exponent notation.
local time = redis.call('TIME')
local now_us = tonumber(time[1]) * 1000000 + tonumber(time[2])
local now = math.floor(now_us / 1000)
-- Two writes in one microsecond still get distinct, ordered recency scores.
local score = math.max(now_us, tonumber(redis.call('GET', clock) or '0') + 1)
redis.call('SET', clock, string.format('%.0f', score))

local function cost(fields)
  for i = 1, #fields, 2 do
    if fields[i] == 'm' then return overhead + #fields[i + 1] end
  end
  return overhead
end

local function add_bytes(id, bytes)
  redis.call('HINCRBY', sizes, id, bytes)
  redis.call('INCRBY', total, bytes)
end

-- Forgets a whole stream, and its share of the total.
local function evict(id)
  local bytes = tonumber(redis.call('HGET', sizes, id) or '0')
  redis.call('DEL', stream_prefix .. id)
  redis.call('HDEL', sizes, id)
  redis.call('ZREM', recency, id)
  redis.call('ZREM', names, id)
  redis.call('DECRBY', total, bytes)
end

-- Streams nobody wrote to for the age bound have expired: forget their bookkeeping too.
local expired = redis.call('ZRANGEBYSCORE', recency, '-inf',
  '(' .. string.format('%.0f', now_us - max_age * 1000), 'LIMIT', 0, 64)
for _, id in ipairs(expired) do
  if id ~= stream then evict(id) end
end

-- A stream whose key expired left its bookkeeping behind: start it afresh.
if redis.call('EXISTS', key) == 0 then evict(stream) end

-- This stream's own events older than the age bound go (entry ids start with their time).
local oldest_kept = now - max_age
if oldest_kept > 0 then
  local old = redis.call('XRANGE', key, '-', '(' .. string.format('%.0f', oldest_kept) .. '-0')
  if #old > 0 then
    local bytes = 0
    for _, entry in ipairs(old) do bytes = bytes + cost(entry[2]) end
    redis.call('XTRIM', key, 'MINID', string.format('%.0f', oldest_kept))
    add_bytes(stream, -bytes)
  end
end

local id, bytes
if ARGV[3] == '1' then
  id = redis.call('XADD', key, '*', 'm', ARGV[4])
  bytes = overhead + #ARGV[4]
else
  id = redis.call('XADD', key, '*', 'p', '')
  bytes = overhead
end
add_bytes(stream, bytes)
redis.call('ZADD', recency, string.format('%.0f', score), stream)
redis.call('ZADD', names, 0, stream)
redis.call('PEXPIRE', key, max_age)

-- Past the byte bound: whole streams go, the least recently written first, never this one;
-- alone over the bound, this one loses its own oldest events, keeping its latest.
while tonumber(redis.call('GET', total)) > max_bytes do
  local oldest = redis.call('ZRANGE', recency, 0, 1)
  local victim = oldest[1]
  if victim == stream then victim = oldest[2] end
  if victim then
    evict(victim)
  else
    if redis.call('XLEN', key) <= 1 then break end
    local first = redis.call('XRANGE', key, '-', '+', 'COUNT', 1)[1]
    redis.call('XDEL', key, first[1])
    add_bytes(stream, -cost(first[2]))
  end
end
return id
