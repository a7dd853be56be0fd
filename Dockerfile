# The harness in one image: the four simulators (`harness up`), the gate (`harness run`)
# and the bundled reference integration (`python -m reference_integration serve`).
#   docker build -t ps-integration-harness .
#   docker run --rm -p 8701-8704:8701-8704 ps-integration-harness          # the simulators
# See docs/deploy.md for compose and Kubernetes.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /opt/harness
COPY pyproject.toml README.md ./
COPY harness ./harness
COPY simulators ./simulators
COPY examples ./examples
# HAProxy routes tenants to simulator processes (harness up --processes N)
RUN apt-get update \
 && apt-get install -y --no-install-recommends haproxy \
 && rm -rf /var/lib/apt/lists/*
RUN pip install . \
 && useradd --create-home --uid 10001 --shell /usr/sbin/nologin harness \
 && mkdir -p /shared /reports \
 && chown harness:harness /shared /reports

USER harness
WORKDIR /home/harness

# crm, erp, psa, hcm
EXPOSE 8701 8702 8703 8704

# the default command's endpoints file: healthy once every simulator answers its admin API
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD harness health --endpoints /shared/endpoints.json || exit 1

ENTRYPOINT ["harness"]
CMD ["up", "--host", "0.0.0.0", "--https", "--endpoints-file", "/shared/endpoints.json", "--tls-dir", "/shared/tls"]
