--[[
  Extends a lock's time to live only if the caller still owns it.
  Input:
    KEYS[1] lock key
    ARGV[1] owner token
    ARGV[2] new time to live, milliseconds
  Output:
    1 extended
    0 not the owner: the lock was lost and the caller must stop what it guards
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
