-- Reads a stored session and renews its lifetime.
--
-- KEYS[1] the session's hash. ARGV[1] the lifetime in milliseconds.
-- Returns its fields and values (none when the session is gone).
local fields = redis.call('HGETALL', KEYS[1])
if #fields > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return fields
