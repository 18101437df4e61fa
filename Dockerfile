# The Maestro API. docker-compose.yml runs it beside Neo4j (MAESTRO_NEO4J_URI); without that
# setting it falls back to the embedded FalkorDB under /data.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# falkordb.so (the embedded fallback store) links against libgomp, which slim images lack.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*

# torch first, from the CPU index: resolving `.[ml]` against PyPI alone pulls the CUDA build
# (gigabytes of wheels this image never uses). Its own layer, so a code change reuses it.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0

WORKDIR /src
COPY . .
RUN pip install ".[ml]"

RUN useradd --create-home --uid 10001 maestro \
    && mkdir -p /data \
    && chown maestro:maestro /data

# /data holds the embedded store, trained models and the Hugging Face cache: one volume to keep.
ENV MAESTRO_DATA_DIR=/data \
    HF_HOME=/data/huggingface
VOLUME ["/data"]

USER maestro
WORKDIR /home/maestro
EXPOSE 8000

# slim has no curl: urlopen raises on a refused connection or a non-2xx answer, so exit 1.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["maestro", "serve", "--host", "0.0.0.0", "--port", "8000"]
