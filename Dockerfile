# The router image: build the fat jar with Maven, run it on a JRE.
#   docker build -t backup-router .
#   docker run --rm -v "$PWD/config:/app/config" -v "$PWD/routes:/app/routes" -v "$PWD/var:/app/var" backup-router
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q package -DskipTests

# Java 25 runs the same jar as 17 (the minimum), with ChaCha20 and Poly1305 (age) compiled to vector
# instructions: about 8x faster encryption (docs/performance.md, "The launcher and the JVM"). The test suite passes on both.
FROM eclipse-temurin:25-jre
WORKDIR /app
RUN useradd --system --home /app backup && mkdir -p /app/var && chown backup /app/var
COPY --from=build /build/target/backup-router.jar /app/backup-router.jar
# The launcher: capped heap, serial GC, and a class-data-sharing archive kept in the var volume.
COPY bin/backup-router /app/bin/backup-router
ENV BACKUP_ROUTER_CDS_DIR=/app/var/cache
COPY config /app/config
COPY routes /app/routes
COPY demo /app/demo
USER backup
ENTRYPOINT ["/app/bin/backup-router"]
CMD ["run"]
