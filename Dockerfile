# Spectra's image: one image, one role per container (deploy/entrypoint.sh).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SPECTRA_ENV=production \
    SPECTRA_VAR_DIR=/var/lib/spectra \
    SPECTRA_STATIC_ROOT=/app/staticfiles \
    SPECTRA_WEB_LISTEN=0.0.0.0:8000

WORKDIR /app
# Runtime requirements only (wheels for every one of them: no compiler needed).
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
RUN useradd --system --uid 10001 --home-dir /var/lib/spectra spectra \
    && mkdir -p /var/lib/spectra \
    && chown spectra /var/lib/spectra \
    && sh deploy/entrypoint.sh collectstatic

USER spectra
VOLUME ["/var/lib/spectra"]
EXPOSE 8000
ENTRYPOINT ["sh", "deploy/entrypoint.sh"]
CMD ["web"]
