package dev.mistralgateway.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The log records at or above a level that the running application writes while a test listens,
 * through a handler on the root logger (JBoss LogManager, under Quarkus, is a java.util.logging one).
 */
public final class LoggedRecords extends Handler implements AutoCloseable {

    private final Level threshold;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LoggedRecords(Level threshold) {
        this.threshold = threshold;
        Logger.getLogger("").addHandler(this);
    }

    /** Starts listening for records at {@code threshold} or above; {@link #close()} stops it. */
    public static LoggedRecords atLeast(Level threshold) {
        return new LoggedRecords(threshold);
    }

    /** "logger: message" of each record heard so far. */
    public List<String> lines() {
        return records.stream().map(r -> r.getLoggerName() + ": " + r.getMessage()).toList();
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= threshold.intValue()) {
            records.add(record);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
