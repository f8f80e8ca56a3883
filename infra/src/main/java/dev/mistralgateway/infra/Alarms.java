package dev.mistralgateway.infra;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;

/** The 5xx alarm every front door gets, and the metrics it is computed from. */
final class Alarms {

    private Alarms() {
    }

    static Metric urlMetric(String name, Map<String, String> dimensions) {
        return Metric.Builder.create().namespace("AWS/Lambda").metricName(name).dimensionsMap(dimensions)
                .statistic("Sum").period(Duration.minutes(5)).build();
    }

    static MetricOptions fiveMinuteSum() {
        return MetricOptions.builder().statistic("Sum").period(Duration.minutes(5)).build();
    }

    /**
     * Alarms when more than alarm5xxPercent of the requests in 5 minutes end in a 5xx answer, and tells whoever
     * alarmTopicArn and alarmEmail name: an alarm that no one hears of is only seen by those who look.
     */
    static void alarm(Stack stack, GatewaySettings s, IMetric errors, IMetric requests) {
        // An ordered map: Map.of's order changes from one JVM to the next, and so would the template.
        Map<String, IMetric> metrics = new LinkedHashMap<>();
        metrics.put("errors", errors);
        metrics.put("requests", requests);
        MathExpression rate = MathExpression.Builder.create()
                // IF avoids a division by zero when there was no request.
                .expression("IF(requests > 0, 100 * errors / requests, 0)")
                .usingMetrics(metrics)
                .period(Duration.minutes(5))
                .label("5xx answers (%)")
                .build();
        Alarm alarm = Alarm.Builder.create(stack, "Api5xxAlarm")
                .alarmDescription("More than " + BigDecimal.valueOf(s.alarm5xxPercent()).stripTrailingZeros().toPlainString()
                        + "% of the gateway's answers were 5xx in 5 minutes")
                .metric(rate)
                .threshold(s.alarm5xxPercent())
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        if (s.alarmTopicArn() != null) {
            alarm.addAlarmAction(new SnsAction(Topic.fromTopicArn(stack, "OwnAlarmTopic", s.alarmTopicArn())));
        }
        if (!s.alarmEmails().isEmpty()) {
            // E-mail needs a topic; this one exists for the alarm alone and goes with the stack.
            Topic topic = Topic.Builder.create(stack, "AlarmTopic").displayName("Mistral gateway alarms").build();
            s.alarmEmails().forEach(email -> topic.addSubscription(new EmailSubscription(email)));
            alarm.addAlarmAction(new SnsAction(topic));
        }
    }
}
