# keyward's container image: the release binary on distroless, non-root.
# Built and pushed for linux/amd64 and linux/arm64 by the release workflow
# (.github/workflows/release.yml); by hand:
#
#   docker buildx build --platform linux/amd64,linux/arm64 -t keyward:dev .
#
# The entrypoint is `keyward`, so arguments start at the subcommand:
#
#   docker run --rm --read-only -v "$PWD/policies:/policies:ro" keyward:dev plan -f /policies
#
# The base images are pinned by digest (the multi-platform index) with the
# tag beside it; refresh both together:
#   docker buildx imagetools inspect rust:1.95-bookworm
#   docker buildx imagetools inspect gcr.io/distroless/cc-debian12:nonroot

# Build stage: runs on the builder's own platform and cross-compiles for the
# target one with Debian's gcc cross toolchain (the C parts: aws-lc through
# rustls, mimalloc), so an arm64 image does not compile under emulation.
FROM --platform=$BUILDPLATFORM rust:1.95-bookworm@sha256:6258907abe69656e41cd992e0b705cdcfabcbbe3db374f92ed2d47121282d4a1 AS build
ARG TARGETARCH
WORKDIR /src
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# The cross gcc is not pinned to a version (DL3008): the digest above fixes
# the Debian release, and the packages follow its point releases.
# hadolint ignore=DL3008
RUN set -eux; \
    case "$TARGETARCH" in \
      amd64) triple=x86_64-unknown-linux-gnu; gcc=x86_64-linux-gnu-gcc; gcc_package="gcc-x86-64-linux-gnu" ;; \
      arm64) triple=aarch64-unknown-linux-gnu; gcc=aarch64-linux-gnu-gcc; gcc_package="gcc-aarch64-linux-gnu" ;; \
      *) echo "unsupported TARGETARCH $TARGETARCH" >&2; exit 1 ;; \
    esac; \
    if [ "$(dpkg --print-architecture)" = "$TARGETARCH" ]; then \
      gcc=gcc; \
    else \
      apt-get update; \
      apt-get install -y --no-install-recommends "$gcc_package" "libc6-dev-$TARGETARCH-cross"; \
      rm -rf /var/lib/apt/lists/*; \
    fi; \
    rustup target add "$triple"; \
    printf '%s\n%s\n' "$triple" "$gcc" > /cross-target
COPY . .
# The binary, and the empty state directory the non-root user owns (the
# runtime image has no shell to make it).
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target,sharing=locked \
    set -eux; \
    triple=$(sed -n 1p /cross-target); gcc=$(sed -n 2p /cross-target); \
    env_triple=$(echo "$triple" | tr 'a-z-' 'A-Z_'); \
    export "CARGO_TARGET_${env_triple}_LINKER=$gcc" "CC_$(echo "$triple" | tr - _)=$gcc"; \
    cargo build --locked --release -p keyward --target "$triple"; \
    mkdir -p /out/bin /out/state; \
    cp "target/$triple/release/keyward" /out/bin/keyward

# Runtime: glibc, CA certificates (/etc/ssl/certs) and the IANA time zone
# database (/usr/share/zoneinfo: TZ=Asia/Tokyo resolves), no shell, no
# package manager; user nonroot, 65532.
FROM gcr.io/distroless/cc-debian12:nonroot@sha256:9dac0a79194e45a7da0158a9c6da57b217585af0786db3845d1f0ec1a0dd182f
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="keyward" \
      org.opencontainers.image.description="Make SaaS access follow the HR master: plan and apply account changes from policy files." \
      org.opencontainers.image.source="https://github.com/keyward/keyward" \
      org.opencontainers.image.url="https://github.com/keyward/keyward" \
      org.opencontainers.image.documentation="https://github.com/keyward/keyward#install" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.vendor="keyward" \
      org.opencontainers.image.version="$VERSION" \
      org.opencontainers.image.revision="$REVISION"
COPY --from=build /out/bin/keyward /usr/local/bin/keyward
# State (audit log, roster, status file, checklists) goes here: mount a
# volume at /var/lib/keyward. keyward writes nothing else (no temporary
# files), so the root file system can be read-only.
COPY --from=build --chown=65532:65532 /out/state /var/lib/keyward
WORKDIR /var/lib/keyward
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/keyward"]
CMD ["--help"]
