-- Changes a stored session, only if it is still there, and renews its lifetime.
--
-- KEYS[1] the session's hash. ARGV[1] the lifetime in milliseconds, ARGV[2] what to do
-- ('set' or 'del'), ARGV[3] the field, ARGV[4] its value (for 'set').
-- Returns 1, or 0 when the session is gone.
local key = KEYS[1]
if redis.call('EXISTS', key) == 0 then return 0 end
if ARGV[2] == 'set' then
  redis.call('HSET', key, ARGV[3], ARGV[4])
else
  redis.call('HDEL', key, ARGV[3])
end
redis.call('PEXPIRE', key, ARGV[1])
return 1
