package dev.mistralgateway.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** Who hears of the 5xx alarm: no one by default, an SNS topic of one's own, or e-mail through a topic of the stack. */
class AlarmTest {

    private static final String TOPIC = "arn:aws:sns:eu-west-1:123456789012:ops-alerts";

    @TempDir
    Path dir;

    @Test
    void withoutContextTheAlarmHasNoAction() {
        Template t = new Synth(dir).template();
        t.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmActions", Match.absent()));
        t.resourceCountIs("AWS::SNS::Topic", 0);
    }

    @Test
    void anExistingTopicIsNotified() {
        Template t = new Synth(dir).context("alarmTopicArn", TOPIC).template();
        t.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmActions", List.of(TOPIC)));
        t.resourceCountIs("AWS::SNS::Topic", 0);
    }

    @Test
    void eMailGoesThroughATopicOfTheStack() {
        Template t = new Synth(dir).context("alarmEmail", "ops@example.com, oncall@example.com").template();
        t.resourceCountIs("AWS::SNS::Topic", 1);
        t.resourceCountIs("AWS::SNS::Subscription", 2);
        for (String address : List.of("ops@example.com", "oncall@example.com")) {
            t.hasResourceProperties("AWS::SNS::Subscription", Map.of("Protocol", "email", "Endpoint", address));
        }
        t.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmActions",
                List.of(Map.of("Ref", Match.stringLikeRegexp("AlarmTopic.*")))));
    }

    @Test
    void bothTogetherAndOnEveryFrontDoor() {
        for (String door : List.of("http-api", "rest-stream", "url-stream")) {
            Template t = new Synth(dir).context("frontDoor", door)
                    .context("alarmTopicArn", TOPIC).context("alarmEmail", "ops@example.com").template();
            t.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmActions", Match.arrayWith(List.of(TOPIC))));
            t.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmActions", Match.arrayWith(
                    List.of(Map.of("Ref", Match.stringLikeRegexp("AlarmTopic.*"))))));
        }
        assertEquals(List.of(), Synth.validationViolations(dir));
    }

    @Test
    void malformedValuesAreRefused() {
        var mail = assertThrows(IllegalArgumentException.class,
                () -> new Synth(dir).context("alarmEmail", "ops.example.com").stack());
        assertEquals("alarmEmail must be e-mail addresses, comma-separated, not ops.example.com", mail.getMessage());
        var arn = assertThrows(IllegalArgumentException.class,
                () -> new Synth(dir).context("alarmTopicArn", "ops-alerts").stack());
        assertTrue(
                arn.getMessage().startsWith(
                        "alarmTopicArn must be an SNS topic's ARN, arn:aws:sns:REGION:ACCOUNT:NAME, not ops-alerts"),
                arn.getMessage());
    }
}
