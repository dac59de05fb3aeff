FROM python:3.11-slim

# WeasyPrint renders PDFs with Pango.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# Runtime dependencies only, read from pyproject.toml the same way dev.py does.
COPY pyproject.toml .
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt

COPY . .
RUN useradd --create-home calibrate && mkdir -p var && chown -R calibrate var
USER calibrate

EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "calibration.wsgi:application", "-b", "0.0.0.0:8000"]
