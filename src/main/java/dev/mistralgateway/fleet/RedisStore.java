package dev.mistralgateway.fleet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * The fleet's state in Redis (Valkey, Redis OSS, ElastiCache Serverless, Upstash): each change is
 * one Lua script ({@link RedisScripts}), so it is atomic, and the keys one script touches share a
 * hash tag ({@code {prefix:route}}), so they sit in one slot of a cluster. Every key expires, so
 * nothing of a route that went away stays for ever.
 */
public final class RedisStore implements FleetStore {

    /** A breaker's books outlive any rest or pause a route asks for. */
    private static final String BOOK_TTL = String.valueOf(24 * 3600 * 1000);

    /** The client for this call: the calling event loop's ({@link RedisPerEventLoop}), or one for all. */
    private final Supplier<Redis> client;
    private final String prefix;
    /** Each script's SHA-1, as Redis names the scripts it keeps. */
    private static final Map<String, String> SHA1 = new ConcurrentHashMap<>();

    public RedisStore(Supplier<Redis> client, String prefix) {
        this.client = client;
        this.prefix = prefix;
    }

    /** One client for every call, as the tests give it. */
    public RedisStore(Redis redis, String prefix) {
        this(() -> redis, prefix);
    }

    /** A route's keys share a hash tag; braces in its name would end the tag early. */
    private String tag(String route) {
        return "{" + (prefix + ":" + route).replace('{', '_').replace('}', '_') + "}";
    }

    private String books(String route) {
        return tag(route) + ":targets";
    }

    private String failures(String route, int target) {
        return tag(route) + ":fails:" + target;
    }

    @Override
    public Uni<TargetView[]> read(String route, int targets) {
        return client.get().send(Request.cmd(Command.HGETALL).arg(books(route))).map(response -> {
            TargetView[] views = new TargetView[targets];
            for (int target = 0; target < targets; target++) {
                String at = target + ".";
                views[target] = new TargetView(number(response, at + "out", Long.MIN_VALUE),
                        "1".equals(text(response, at + "open")), "1".equals(text(response, at + "paused")),
                        number(response, at + "trialUntil", Long.MIN_VALUE));
            }
            return views;
        });
    }

    private static String text(Response hash, String field) {
        Response value = hash == null ? null : hash.get(field);
        return value == null ? null : value.toString();
    }

    private static long number(Response hash, String field, long otherwise) {
        String value = text(hash, field);
        return value == null ? otherwise : Long.parseLong(value);
    }

    @Override
    public Uni<Boolean> claimTrial(String route, int target, String owner, long now, long until) {
        return eval(RedisScripts.CLAIM_TRIAL, 1, books(route), target, owner, now, until, BOOK_TTL)
                .map(response -> response.toInteger() == 1);
    }

    @Override
    public Uni<Void> failed(String route, int target, String trialOwner, long now, int maxFails, long failTimeout) {
        return eval(RedisScripts.FAILED, 2, books(route), failures(route, target), target,
                trialOwner == null ? "" : trialOwner, now, maxFails, now - failTimeout, now + failTimeout,
                now + ":" + UUID.randomUUID(), failTimeout, BOOK_TTL).replaceWithVoid();
    }

    @Override
    public Uni<Void> paused(String route, int target, long until) {
        return eval(RedisScripts.PAUSED, 1, books(route), target, until, BOOK_TTL).replaceWithVoid();
    }

    @Override
    public Uni<Void> trialEnded(String route, int target, String owner, boolean closes) {
        return eval(RedisScripts.TRIAL_ENDED, 2, books(route), failures(route, target), target, owner,
                closes ? "1" : "0").replaceWithVoid();
    }

    @Override
    public Uni<WindowCount> take(String key, long now, long window, double limit, double amount) {
        return eval(RedisScripts.TAKE, 1, windowKey(key), now, window, limit, amount, 2 * window).map(response -> {
            SlidingWindow before = new SlidingWindow(Long.parseLong(response.get(1).toString()),
                    Double.parseDouble(response.get(2).toString()), Double.parseDouble(response.get(3).toString()));
            return WindowCount.of(before, now, window, limit, amount, response.get(0).toInteger() == 1);
        });
    }

    @Override
    public Uni<Void> add(String key, long now, long window, double amount) {
        return eval(RedisScripts.TAKE, 1, windowKey(key), now, window, -1, amount, 2 * window).replaceWithVoid();
    }

    /** Keeps a value (a stored response) under the prefix for {@code ttlMillis}, replacing any before. */
    Uni<Void> set(String key, String value, long ttlMillis) {
        return client.get().send(Request.cmd(Command.SET).arg(valueKey(key)).arg(value).arg("PX").arg(ttlMillis))
                .replaceWithVoid();
    }

    /** The value kept under the key, or null when there is none (never kept, expired, deleted). */
    Uni<String> get(String key) {
        return client.get().send(Request.cmd(Command.GET).arg(valueKey(key)))
                .map(value -> value == null ? null : value.toString());
    }

    /** Deletes the value under the key: true when there was one. */
    Uni<Boolean> delete(String key) {
        return client.get().send(Request.cmd(Command.DEL).arg(valueKey(key))).map(deleted -> deleted.toInteger() == 1);
    }

    private String valueKey(String key) {
        return prefix + ":" + key;
    }

    @Override
    public Uni<Long> nextTurn(String route) {
        return eval(MeasureScripts.NEXT_TURN, 1, tag(route) + ":turn", BOOK_TTL).map(turn -> turn.toLong() - 1);
    }

    @Override
    public Uni<Void> measured(String route, int target, double latency, double smoothing, double usage) {
        return eval(MeasureScripts.MEASURED, 1, measures(route), target, Double.isNaN(latency) ? "" : latency,
                smoothing, usage, BOOK_TTL).replaceWithVoid();
    }

    @Override
    public Uni<Void> lease(String route, int target, String lease, long now, long until) {
        return eval(MeasureScripts.LEASE, 1, leases(route, target), lease, until,
                Math.max(1, until - now)).replaceWithVoid();
    }

    @Override
    public Uni<Void> release(String route, int target, String lease) {
        return client.get().send(Request.cmd(Command.ZREM).arg(leases(route, target)).arg(lease)).replaceWithVoid();
    }

    @Override
    public Uni<TargetMeasures[]> measures(String route, int targets, long now) {
        Object[] arguments = new Object[targets + 2];
        arguments[0] = measures(route);
        for (int target = 0; target < targets; target++) {
            arguments[target + 1] = leases(route, target);
        }
        arguments[targets + 1] = now;
        return eval(MeasureScripts.MEASURES, targets + 1, arguments).map(response -> {
            TargetMeasures[] measures = new TargetMeasures[targets];
            for (int target = 0; target < targets; target++) {
                String latency = response.get(3 * target).toString();
                String usage = response.get(3 * target + 1).toString();
                measures[target] = new TargetMeasures(latency.isEmpty() ? 0 : Double.parseDouble(latency),
                        !latency.isEmpty(), usage.isEmpty() ? 0 : Double.parseDouble(usage),
                        response.get(3 * target + 2).toInteger());
            }
            return measures;
        });
    }

    private String measures(String route) {
        return tag(route) + ":measures";
    }

    private String leases(String route, int target) {
        return tag(route) + ":leases:" + target;
    }

    /** A rate-limit key is one window: its own hash tag, so windows spread over a cluster's slots. */
    private String windowKey(String key) {
        return "{" + (prefix + ":rl:" + key).replace('{', '_').replace('}', '_') + "}";
    }

    /**
     * Runs a script by its SHA-1 ({@code EVALSHA}), so a call sends its arguments and not the script's
     * text; a Redis that does not hold it yet (new, restarted, flushed, another node of a cluster)
     * answers {@code NOSCRIPT}, and the script then goes once as {@code EVAL}, which also keeps it.
     */
    private Uni<Response> eval(String script, int keys, Object... arguments) {
        return client.get().send(call(Command.EVALSHA, SHA1.computeIfAbsent(script, RedisStore::sha1), keys, arguments))
                .onFailure(failure -> String.valueOf(failure.getMessage()).startsWith("NOSCRIPT"))
                .recoverWithUni(missing -> client.get().send(call(Command.EVAL, script, keys, arguments)));
    }

    private static Request call(Command command, String script, int keys, Object... arguments) {
        Request request = Request.cmd(command).arg(script).arg(keys);
        for (Object argument : arguments) {
            request.arg(argument instanceof Double number ? RedisScripts.decimal(number) : String.valueOf(argument));
        }
        return request;
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }
}
