# The PairDB coordinator image (charts/pairdb-coordinator deploys it).
#
# Build the jar first, then the image, from the repository root:
#   ./mvnw -B package -DskipTests
#   docker build -t ghcr.io/pairdb/pairdb-coordinator:0.1.0 .
#
# The same image runs the schema migrations: `--migrate` (the chart's hook Job) runs Flyway and exits.
FROM eclipse-temurin:25-jre

# A fixed non-root uid/gid, matching the chart's securityContext (runAsUser 10001).
RUN groupadd --system --gid 10001 pairdb \
 && useradd --system --uid 10001 --gid pairdb --no-create-home --home-dir /app --shell /usr/sbin/nologin pairdb

WORKDIR /app
# Owned by root and not writable by the app user; the container writes only to /tmp.
COPY coordinator-app/target/pairdb-coordinator.jar /app/pairdb-coordinator.jar

USER 10001:10001

# 50051: gRPC (data and admin API); 8080: management HTTP (/health, /prometheus).
EXPOSE 50051 8080

# The heap follows the container's memory limit; SIGTERM reaches the JVM directly (exec form) for a graceful drain.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/pairdb-coordinator.jar"]
