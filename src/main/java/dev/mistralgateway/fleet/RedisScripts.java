package dev.mistralgateway.fleet;

import java.math.BigDecimal;

/**
 * The Lua scripts {@link RedisStore} runs: each reads and writes in one step, so two instances
 * changing one target or one window never interleave. Times come in as the caller's epoch ms,
 * written back as the strings they came in as (Lua's numbers would print large ones as 1.7e+12).
 */
final class RedisScripts {

    private RedisScripts() {
    }

    /** KEYS: books. ARGV: target, owner, now, until, ttl. 1 when the owner is now the trial. */
    static final String CLAIM_TRIAL = """
            local at = ARGV[1] .. '.'
            if redis.call('HGET', KEYS[1], at .. 'open') ~= '1' then return 0 end
            local held = redis.call('HGET', KEYS[1], at .. 'trialUntil')
            if held and tonumber(held) > tonumber(ARGV[3]) then return 0 end
            redis.call('HSET', KEYS[1], at .. 'trial', ARGV[2], at .. 'trialUntil', ARGV[4])
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            return 1
            """;

    /**
     * KEYS: books, failures. ARGV: target, trial owner or '', now, max fails, oldest counted (now -
     * fail timeout), rest until (now + fail timeout), member, fail timeout, ttl.
     */
    static final String FAILED = """
            local at = ARGV[1] .. '.'
            local trial = ARGV[2] ~= '' and redis.call('HGET', KEYS[1], at .. 'trial') == ARGV[2]
            redis.call('ZADD', KEYS[2], ARGV[3], ARGV[7])
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[5])
            redis.call('PEXPIRE', KEYS[2], ARGV[8])
            if trial or redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
              local out = redis.call('HGET', KEYS[1], at .. 'out')
              if not out or tonumber(out) < tonumber(ARGV[6]) then out = ARGV[6] end
              redis.call('HSET', KEYS[1], at .. 'open', '1', at .. 'paused', '0', at .. 'out', out)
              redis.call('DEL', KEYS[2])
              if trial then redis.call('HDEL', KEYS[1], at .. 'trial', at .. 'trialUntil') end
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[9])
            return 1
            """;

    /** KEYS: books. ARGV: target, until, ttl. */
    static final String PAUSED = """
            local at = ARGV[1] .. '.'
            local out = redis.call('HGET', KEYS[1], at .. 'out')
            if not out or tonumber(out) < tonumber(ARGV[2]) then
              redis.call('HSET', KEYS[1], at .. 'out', ARGV[2], at .. 'paused', '1')
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 1
            """;

    /** KEYS: books, failures. ARGV: target, owner, '1' when the breaker closes. */
    static final String TRIAL_ENDED = """
            local at = ARGV[1] .. '.'
            if redis.call('HGET', KEYS[1], at .. 'trial') ~= ARGV[2] then return 0 end
            redis.call('HDEL', KEYS[1], at .. 'trial', at .. 'trialUntil')
            if ARGV[3] == '1' then
              redis.call('HSET', KEYS[1], at .. 'open', '0')
              redis.call('DEL', KEYS[2])
            end
            return 1
            """;

    /**
     * {@link SlidingWindow} in Lua. KEYS: the window. ARGV: now, window, limit (negative: count
     * without checking), amount, ttl. Returns allowed (1/0) and the window before this request
     * counted: start, previous, current, as strings.
     */
    static final String TAKE = """
            local now, size = tonumber(ARGV[1]), tonumber(ARGV[2])
            local limit, amount = tonumber(ARGV[3]), tonumber(ARGV[4])
            local saved = redis.call('HMGET', KEYS[1], 's', 'p', 'c')
            local start, previous, current = saved[1], tonumber(saved[2]) or 0, tonumber(saved[3]) or 0
            if not start then
              start, previous, current = ARGV[1], 0, 0
            elseif now >= tonumber(start) + size then
              local passed = math.floor((now - tonumber(start)) / size)
              if passed == 1 then previous = current else previous = 0 end
              current = 0
              start = string.format('%d', tonumber(start) + passed * size)
            end
            local used = previous * (1 - (now - tonumber(start)) / size) + current
            local allowed
            if limit < 0 then allowed = true
            elseif amount > 0 then allowed = used + amount <= limit
            else allowed = used < limit end
            local counted = current
            if allowed then counted = current + amount end
            redis.call('HSET', KEYS[1], 's', start, 'p', string.format('%.17g', previous),
              'c', string.format('%.17g', counted))
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            return {allowed and 1 or 0, start, string.format('%.17g', previous), string.format('%.17g', current)}
            """;

    /** A decimal as Lua's tonumber reads it, without an exponent. */
    static String decimal(double value) {
        return BigDecimal.valueOf(value).toPlainString();
    }
}
