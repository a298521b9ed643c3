# gaswatch daemon image. Build: docker build -t gaswatch .
# Run:  docker run -v /etc/gaswatch:/etc/gaswatch -v gaswatch-state:/var/lib/gaswatch -p 8080:8080 gaswatch
# Mount a config directory whose gaswatch.yaml sets `state.dir: /var/lib/gaswatch` and
# `http.listen: 0.0.0.0:8080` (behind a reverse proxy with TLS).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY simulators/package.json simulators/
RUN npm ci --ignore-scripts
COPY tsconfig.base.json tsconfig.json ./
COPY src src
COPY bench bench
COPY test/helpers test/helpers
COPY simulators simulators
RUN npx tsc -b && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production GASWATCH_LOG_FORMAT=json
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/simulators/dist simulators/dist
COPY --from=build /app/simulators/package.json simulators/
COPY package.json ./
COPY src/http/public src/http/public
COPY src/i18n/locales src/i18n/locales
COPY config config
RUN mkdir -p /var/lib/gaswatch && chown node:node /var/lib/gaswatch
USER node
VOLUME ["/var/lib/gaswatch"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "dist/src/main.js"]
CMD ["run", "--config", "/etc/gaswatch/gaswatch.yaml"]
