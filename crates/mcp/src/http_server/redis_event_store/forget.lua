-- Forgets every stream whose id starts with a prefix.
--
-- KEYS[1] sizes, KEYS[2] recency, KEYS[3] names, KEYS[4] the total of bytes (as in store.lua).
-- ARGV[1] the key prefix of streams, ARGV[2] the prefix of the stream ids to forget.
-- Returns how many streams were forgotten.
local sizes, recency, names, total = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local stream_prefix, prefix = ARGV[1], ARGV[2]
-- Every id starting with the prefix sorts between it and it followed by the byte 0xff, which
-- UTF-8 text never holds.
local ids = redis.call('ZRANGEBYLEX', names, '[' .. prefix, '(' .. prefix .. '\255')
for _, id in ipairs(ids) do
  local bytes = tonumber(redis.call('HGET', sizes, id) or '0')
  redis.call('DEL', stream_prefix .. id)
  redis.call('HDEL', sizes, id)
  redis.call('ZREM', recency, id)
  redis.call('ZREM', names, id)
  redis.call('DECRBY', total, bytes)
end
return #ids
