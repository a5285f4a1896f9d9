# The React app built with Vite and served by nginx, which also proxies /api to the backend.
# Built from the repository root: docker build -f deploy/frontend.Dockerfile .
FROM node:20-alpine AS build
WORKDIR /src
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM nginx:1.27-alpine
# Each open event stream takes two connections (browser and backend): allow many thousands.
RUN sed -i -e 's/worker_connections .*;/worker_connections 40000;/' \
        -e 's/^worker_processes .*;/&\nworker_rlimit_nofile 100000;/' /etc/nginx/nginx.conf
COPY deploy/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /src/dist /usr/share/nginx/html
EXPOSE 80
