package dev.mistralgateway.fleet;

/**
 * The Lua scripts of the balancer's shared state in {@link RedisStore}: one step each, so answers
 * that two instances measure at once both count. A target's measures are fields of one hash per
 * route ({@code <target>.lat}, {@code <target>.use}); its in-flight leases a sorted set scored by the
 * time each expires, so a lease whose instance froze or died stops counting on its own.
 */
final class MeasureScripts {

    private MeasureScripts() {
    }

    /** KEYS: the route's turn counter. ARGV: ttl. The turn taken, from 1. */
    static final String NEXT_TURN = """
            local turn = redis.call('INCR', KEYS[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return turn
            """;

    /** KEYS: measures. ARGV: target, latency ('' when none), smoothing, usage to add, ttl. */
    static final String MEASURED = """
            local at = ARGV[1] .. '.'
            if ARGV[2] ~= '' then
              local latency = tonumber(ARGV[2])
              local before = redis.call('HGET', KEYS[1], at .. 'lat')
              if before then
                local weight = tonumber(ARGV[3])
                latency = weight * latency + (1 - weight) * tonumber(before)
              end
              redis.call('HSET', KEYS[1], at .. 'lat', string.format('%.17g', latency))
            end
            if tonumber(ARGV[4]) ~= 0 then redis.call('HINCRBYFLOAT', KEYS[1], at .. 'use', ARGV[4]) end
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            return 1
            """;

    /** KEYS: the target's leases. ARGV: lease, expires at, ttl (the lease's hold). */
    static final String LEASE = """
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
            if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
            return 1
            """;

    /**
     * KEYS: measures, then each target's leases. ARGV: now. Returns, target by target, its latency
     * ('' when unmeasured), its usage ('' when none) and its leases that have not expired.
     */
    static final String MEASURES = """
            local out = {}
            for target = 0, #KEYS - 2 do
              local leases = KEYS[target + 2]
              redis.call('ZREMRANGEBYSCORE', leases, '-inf', ARGV[1])
              out[#out + 1] = redis.call('HGET', KEYS[1], target .. '.lat') or ''
              out[#out + 1] = redis.call('HGET', KEYS[1], target .. '.use') or ''
              out[#out + 1] = redis.call('ZCARD', leases)
            end
            return out
            """;
}
