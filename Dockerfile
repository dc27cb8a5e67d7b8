# syntax=docker/dockerfile:1
# Cohort's image: one image for the coordinator, the nodes and the client commands.
#
#   docker build -t cohort .
#   docker run cohort node --join HOST:25520 ...
#
# The entrypoint is bin/cohort, so the arguments are those of the cohort command. Every setting
# also comes from its environment variable (conf/cohort.conf names them). deploy/kubernetes/
# runs this image on Kubernetes; its README says how.

# --- build: the shaded jar, as bin/cohort builds it ---------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# exec.skip: the class-data archive is made below, by the JRE that runs it (an archive only serves
# the JVM build that made it). The format check and the tests belong to CI, not to the image.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -Dstyle.color=never -Dmaven.test.skip=true -Dspotless.check.skip=true \
      -Dexec.skip=true -pl cli -am package

# --- run --------------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre

# More packages for the nodes' tasks, such as the programs an exec task runs (allow-exec):
#   docker build --build-arg EXTRA_PACKAGES="imagemagick" -t cohort .
ARG EXTRA_PACKAGES=""
RUN if [ -n "$EXTRA_PACKAGES" ]; then \
      apt-get update \
      && apt-get install -y --no-install-recommends $EXTRA_PACKAGES \
      && rm -rf /var/lib/apt/lists/*; \
    fi

# A task runs with the node's rights: never as root. The uid and gid are fixed so that
# Kubernetes' runAsUser and fsGroup (deploy/kubernetes) can name them.
RUN groupadd --system --gid 10001 cohort \
    && useradd --system --uid 10001 --gid cohort --home-dir /home/cohort --create-home \
      --shell /usr/sbin/nologin cohort \
    && mkdir -p /var/lib/cohort \
    && chown cohort:cohort /var/lib/cohort

# The layout of the source tree, which bin/cohort and the scripts it sources expect: the jar in
# cli/target, conf/ beside bin/. With no pom.xml there, bin/cohort never tries to rebuild.
WORKDIR /opt/cohort
COPY --from=build /src/bin/cohort bin/cohort
COPY --from=build /src/conf/ conf/
COPY --from=build /src/cli/src/main/sh/snapshot.sh /src/cli/src/main/sh/class-archive.sh cli/src/main/sh/
COPY --from=build /src/cli/target/cohort.jar cli/target/cohort.jar
# The snapshot of the jar bin/cohort runs (cli/target/run) and its class-data sharing archive,
# made here with this image's JRE, so containers start without writing to the image. The training
# run leaves nothing behind but them.
RUN bash cli/src/main/sh/class-archive.sh /opt/cohort/cli/target/cohort.jar java \
    && rm -rf /tmp/* /root/.cohort

# The coordinator's jobs (data-dir); mount a volume here to keep them across containers.
ENV COHORT_DATA_DIR=/var/lib/cohort/coordinator
VOLUME ["/var/lib/cohort"]

# The coordinator's cluster port (cohort.coordinator.cluster-port) and HTTP API
# (cohort.coordinator.http-port), their defaults in conf/cohort.conf.
EXPOSE 25520 8470

USER 10001:10001
ENTRYPOINT ["/opt/cohort/bin/cohort"]
CMD ["--help"]
