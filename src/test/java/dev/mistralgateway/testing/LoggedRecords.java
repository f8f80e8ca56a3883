package dev.mistralgateway.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import org.jboss.logmanager.ExtLogRecord;

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

    /**
     * Everything each record heard so far would print: its message with its parameters filled in,
     * then each exception of its cause chain, as {@code Throwable.toString()} gives it.
     */
    public List<String> texts() {
        Formatter formatter = new SimpleFormatter();
        return records.stream().map(r -> {
            String message = r instanceof ExtLogRecord ext ? ext.getFormattedMessage()
                    : formatter.formatMessage(r);
            StringBuilder text = new StringBuilder(r.getLoggerName()).append(": ").append(message);
            for (Throwable thrown = r.getThrown(); thrown != null; thrown = thrown.getCause() == thrown ? null
                    : thrown.getCause()) {
                text.append(" | ").append(thrown);
            }
            return text.toString();
        }).toList();
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
