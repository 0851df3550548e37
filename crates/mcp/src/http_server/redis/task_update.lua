-- Replaces a task's record if nobody changed it since it was read, keeping its expiry.
--
-- KEYS[1] the task's key, KEYS[2] the channel told of changes.
-- ARGV[1] the version read, ARGV[2] the new record (JSON), ARGV[3] the new version,
-- ARGV[4] the task's id.
-- Returns 1 when replaced, 0 when the task changed meanwhile (read it again), -1 when it is
-- gone.
local current = redis.call('GET', KEYS[1])
if not current then return -1 end
if cjson.decode(current)['version'] ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
redis.call('PUBLISH', KEYS[2], ARGV[4] .. ' ' .. ARGV[3])
return 1
