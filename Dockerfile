# The router image: build the fat jar with Maven, run it on a JRE.
#   docker build -t backup-router .
#   docker run --rm -v "$PWD/config:/app/config" -v "$PWD/routes:/app/routes" -v "$PWD/var:/app/var" backup-router
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
WORKDIR /app
RUN useradd --system --home /app backup && mkdir -p /app/var && chown backup /app/var
COPY --from=build /build/target/backup-router.jar /app/backup-router.jar
COPY config /app/config
COPY routes /app/routes
COPY demo /app/demo
USER backup
ENTRYPOINT ["java", "-jar", "/app/backup-router.jar"]
CMD ["run"]
