package io.pairdb.core.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pairdb.core.limits.DeadlineAdmission.Verdict;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeadlineAdmissionTest {
    private static final long MS = 1_000_000L;
    private static final long START = 5_000 * MS;

    private final DeadlineAdmission admission = new DeadlineAdmission(
            new DeadlineAdmission.Settings(Duration.ofSeconds(1), 50, 1.0));

    /**
     * Answers at {@code perSecond} over the 900 ms before {@code end} (a bucket boundary): the part of
     * a 1 s window, in tenths, that has passed when {@code end} starts the tenth.
     */
    private void answerAtRateUntil(long end, int perSecond) {
        for (long t = end - 900 * MS; t < end; t += 1_000 * MS / perSecond) {
            admission.ended(t, true);
        }
    }

    @Test
    void aCallWhoseDeadlineIsShorterThanTheQueueAheadOfItIsJudgedTooLate() {
        answerAtRateUntil(START, 500); // 500 answers a second

        // 1 000 calls ahead at 500 a second: about 2 s of waiting
        Verdict verdict = admission.judge(1000, 1500 * MS, START);

        assertThat(verdict).isInstanceOf(Verdict.TooLate.class);
        Verdict.TooLate late = (Verdict.TooLate) verdict;
        assertThat(late.callsAhead()).isEqualTo(1000);
        assertThat(late.expectedWait()).hasValueSatisfying(
                wait -> assertThat(wait).isBetween(Duration.ofMillis(1900), Duration.ofMillis(2100)));
        assertThat(late.remaining()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void aCallWithTimeEnoughForTheQueueAheadIsInTime() {
        answerAtRateUntil(START, 500);

        assertThat(admission.judge(1000, 2500 * MS, START)).isInstanceOf(Verdict.InTime.class);
        assertThat(admission.judge(100, 300 * MS, START)).as("100 ahead take about 200 ms")
                .isInstanceOf(Verdict.InTime.class);
        assertThat(admission.judge(100, 150 * MS, START)).isInstanceOf(Verdict.TooLate.class);
    }

    @Test
    void withAShareOfTheDeadlineForTheWaitTheQueueAheadMustFitInThatShare() {
        DeadlineAdmission half = new DeadlineAdmission(new DeadlineAdmission.Settings(Duration.ofSeconds(1), 50, 0.5));
        for (long t = START - 900 * MS; t < START; t += 2 * MS) {
            half.ended(t, true); // 500 answers a second
        }

        // 100 ahead take about 200 ms: in time with 500 ms left, not with 300 ms (of which it may wait 150)
        assertThat(half.judge(100, 500 * MS, START)).isInstanceOf(Verdict.InTime.class);
        Verdict verdict = half.judge(100, 300 * MS, START);
        assertThat(verdict).isInstanceOf(Verdict.TooLate.class);
        assertThat(((Verdict.TooLate) verdict).mayWait()).isEqualTo(Duration.ofMillis(150));
        assertThat(((Verdict.TooLate) verdict).remaining()).isEqualTo(Duration.ofMillis(300));
        assertThat(admission.judge(100, 300 * MS, START)).as("the same call, the whole deadline for the wait")
                .isInstanceOf(Verdict.InTime.class);
    }

    @Test
    void aCallWithNothingAheadIsAlwaysInTimeHoweverShortItsDeadline() {
        answerAtRateUntil(START, 500);

        assertThat(admission.judge(0, 1, START)).isInstanceOf(Verdict.InTime.class);
    }

    @Test
    void withTooFewAnswersInTheWindowTheRateIsUnknownAndEveryCallIsAdmitted() {
        answerAtRateUntil(START, 54); // 49 answers

        assertThat(admission.answeredInTime(START)).isEqualTo(49);
        assertThat(admission.judge(10_000, MS, START)).as("49 answers are fewer than the 50 needed")
                .isInstanceOf(Verdict.InTime.class);

        admission.ended(START, true);
        assertThat(admission.judge(10_000, MS, START)).isInstanceOf(Verdict.TooLate.class);
    }

    @Test
    void answersOlderThanTheWindowNoLongerCount() {
        answerAtRateUntil(START, 500);
        assertThat(admission.answeredInTime(START)).isEqualTo(450);

        long later = START + 1500 * MS;
        assertThat(admission.answeredInTime(later)).isZero();
        assertThat(admission.judge(1000, MS, later)).as("after an idle spell nothing is known of the rate")
                .isInstanceOf(Verdict.InTime.class);
    }

    @Test
    void aSlowerRateMakesTheSameQueueTooLongForTheSameDeadline() {
        answerAtRateUntil(START, 2000);
        assertThat(admission.judge(1000, 1000 * MS, START)).as("2 000 a second: 0.5 s ahead")
                .isInstanceOf(Verdict.InTime.class);

        long later = START + 2000 * MS;
        answerAtRateUntil(later, 400);
        assertThat(admission.judge(1000, 1000 * MS, later)).as("400 a second: 2.5 s ahead")
                .isInstanceOf(Verdict.TooLate.class);
    }

    @Test
    void aBurstAfterAnIdleSpellIsMeasuredOverItsOwnLengthNotTheWholeWindows() {
        // 100 answers in the first 50 ms of a tenth: 2 000 a second, though the window is 1 s long
        long burst = START + 10_000 * MS;
        for (int i = 0; i < 100; i++) {
            admission.ended(burst + i * MS / 2, true);
        }
        long now = burst + 50 * MS;

        assertThat(admission.judge(900, 600 * MS, now)).as("900 ahead at 2 000 a second: 0.45 s")
                .isInstanceOf(Verdict.InTime.class);
        assertThat(admission.judge(900, 400 * MS, now)).isInstanceOf(Verdict.TooLate.class);
    }

    @Test
    void callsThatRanOutTheirDeadlineCountTowardsTrustingTheWindowButNotTowardsTheRate() {
        answerAtRateUntil(START, 100); // 90 answered in time: 100 a second
        assertThat(admission.judge(100, 1500 * MS, START)).as("100 ahead at 100 a second: about 1 s")
                .isInstanceOf(Verdict.InTime.class);

        // as many again ran out their deadline: the rate of answers in time is the same, the calls ended double
        for (long t = START - 900 * MS; t < START; t += 10 * MS) {
            admission.ended(t, false);
        }
        assertThat(admission.judge(100, 1500 * MS, START)).as("those that ran out do not speed the queue up")
                .isInstanceOf(Verdict.InTime.class);
        assertThat(admission.judge(100, 900 * MS, START)).isInstanceOf(Verdict.TooLate.class);
    }

    @Test
    void whenNoCallThatEndedLatelyWasAnsweredInTimeEveryCallWithOneAheadIsRefused() {
        for (long t = START - 900 * MS; t < START; t += 10 * MS) {
            admission.ended(t, false); // 90 ran out their deadline, none answered in time
        }

        Verdict verdict = admission.judge(1, 60_000 * MS, START);
        assertThat(verdict).isInstanceOf(Verdict.TooLate.class);
        assertThat(((Verdict.TooLate) verdict).expectedWait()).as("no rate to tell a wait by").isEmpty();
        assertThat(admission.judge(0, MS, START)).as("with nothing ahead, a call is taken")
                .isInstanceOf(Verdict.InTime.class);
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThatThrownBy(() -> new DeadlineAdmission.Settings(Duration.ofMillis(5), 10, 1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 10 ms, was 5 ms");
        assertThatThrownBy(() -> new DeadlineAdmission.Settings(Duration.ofSeconds(1), 0, 1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> new DeadlineAdmission.Settings(Duration.ofSeconds(1), 50, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("above 0 and at most 1, was 0.0");
        assertThatThrownBy(() -> new DeadlineAdmission.Settings(Duration.ofSeconds(1), 50, 1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 1.5");
        assertThatThrownBy(() -> new DeadlineAdmission.Settings(Duration.ofSeconds(1), 50, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was NaN");
    }
}
