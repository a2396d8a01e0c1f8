package io.pairdb.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * {@code pairdb.limits.*}: how much work one coordinator takes on (beyond it, calls are shed with
 * {@code RESOURCE_EXHAUSTED}/{@code OVERLOADED}) and the limits of its gRPC server's connections.
 * The server limits apply to the main gRPC port and to the admin port.
 */
@ConfigurationProperties("pairdb.limits")
public class LimitsProperties {
    private int maxRequestsInFlight = 1000;
    private long maxRequestBytesInFlight = 64L * 1024 * 1024;
    private Duration overloadRetryAfter = Duration.ofMillis(200);
    private boolean shedCallsPastDeadline = true;
    private Duration answerRateWindow = Duration.ofSeconds(1);
    private int answerRateMinCalls = 50;
    private double deadlineWaitShare = 0.5;
    private int maxInboundMetadataBytes = 8192;
    private int maxConcurrentCallsPerConnection = 200;
    private Duration maxConnectionAge = Duration.ofMinutes(30);
    private Duration maxConnectionAgeGrace = Duration.ofMinutes(1);
    private Duration maxConnectionIdle = Duration.ofMinutes(15);
    private Duration permitKeepAliveTime = Duration.ofSeconds(20);
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private int maxResetStreamsPerWindow = 20_000;
    private Duration resetStreamsWindow = Duration.ofSeconds(10);

    public int getMaxRequestsInFlight() {
        return maxRequestsInFlight;
    }

    public void setMaxRequestsInFlight(int maxRequestsInFlight) {
        this.maxRequestsInFlight = maxRequestsInFlight;
    }

    public long getMaxRequestBytesInFlight() {
        return maxRequestBytesInFlight;
    }

    public void setMaxRequestBytesInFlight(long maxRequestBytesInFlight) {
        this.maxRequestBytesInFlight = maxRequestBytesInFlight;
    }

    public Duration getOverloadRetryAfter() {
        return overloadRetryAfter;
    }

    public void setOverloadRetryAfter(Duration overloadRetryAfter) {
        this.overloadRetryAfter = overloadRetryAfter;
    }

    public int getMaxInboundMetadataBytes() {
        return maxInboundMetadataBytes;
    }

    public void setMaxInboundMetadataBytes(int maxInboundMetadataBytes) {
        this.maxInboundMetadataBytes = maxInboundMetadataBytes;
    }

    public int getMaxConcurrentCallsPerConnection() {
        return maxConcurrentCallsPerConnection;
    }

    public void setMaxConcurrentCallsPerConnection(int maxConcurrentCallsPerConnection) {
        this.maxConcurrentCallsPerConnection = maxConcurrentCallsPerConnection;
    }

    public Duration getMaxConnectionAge() {
        return maxConnectionAge;
    }

    public void setMaxConnectionAge(Duration maxConnectionAge) {
        this.maxConnectionAge = maxConnectionAge;
    }

    public Duration getMaxConnectionAgeGrace() {
        return maxConnectionAgeGrace;
    }

    public void setMaxConnectionAgeGrace(Duration maxConnectionAgeGrace) {
        this.maxConnectionAgeGrace = maxConnectionAgeGrace;
    }

    public Duration getMaxConnectionIdle() {
        return maxConnectionIdle;
    }

    public void setMaxConnectionIdle(Duration maxConnectionIdle) {
        this.maxConnectionIdle = maxConnectionIdle;
    }

    public Duration getPermitKeepAliveTime() {
        return permitKeepAliveTime;
    }

    public void setPermitKeepAliveTime(Duration permitKeepAliveTime) {
        this.permitKeepAliveTime = permitKeepAliveTime;
    }

    public Duration getHandshakeTimeout() {
        return handshakeTimeout;
    }

    public void setHandshakeTimeout(Duration handshakeTimeout) {
        this.handshakeTimeout = handshakeTimeout;
    }

    /** HTTP/2 RST_STREAM frames a connection may send per {@link #getResetStreamsWindow() window}; beyond, it is closed. */
    public int getMaxResetStreamsPerWindow() {
        return maxResetStreamsPerWindow;
    }

    public void setMaxResetStreamsPerWindow(int maxResetStreamsPerWindow) {
        this.maxResetStreamsPerWindow = maxResetStreamsPerWindow;
    }

    public Duration getResetStreamsWindow() {
        return resetStreamsWindow;
    }

    public void setResetStreamsWindow(Duration resetStreamsWindow) {
        this.resetStreamsWindow = resetStreamsWindow;
    }

    /**
     * Whether a call is shed when the calls ahead of it take longer to be answered at the recent rate
     * than {@link #getDeadlineWaitShare()} of what is left of its deadline.
     */
    public boolean isShedCallsPastDeadline() {
        return shedCallsPastDeadline;
    }

    public void setShedCallsPastDeadline(boolean shedCallsPastDeadline) {
        this.shedCallsPastDeadline = shedCallsPastDeadline;
    }

    /**
     * The share of what is left of a call's deadline that the wait for the calls ahead of it may take,
     * for shedding calls past their deadline; the rest is for its own work and its answer's way back.
     */
    public double getDeadlineWaitShare() {
        return deadlineWaitShare;
    }

    public void setDeadlineWaitShare(double deadlineWaitShare) {
        this.deadlineWaitShare = deadlineWaitShare;
    }

    /** How far back the rate of answered calls is counted, for shedding calls past their deadline. */
    public Duration getAnswerRateWindow() {
        return answerRateWindow;
    }

    public void setAnswerRateWindow(Duration answerRateWindow) {
        this.answerRateWindow = answerRateWindow;
    }

    /** Calls that must have ended within the rate window before calls are shed for their deadline. */
    public int getAnswerRateMinCalls() {
        return answerRateMinCalls;
    }

    public void setAnswerRateMinCalls(int answerRateMinCalls) {
        this.answerRateMinCalls = answerRateMinCalls;
    }
}
