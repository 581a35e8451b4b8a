{{/*
Names. With the release name "keyward" (the README's `helm install keyward`)
they are those of examples/kubernetes: keyward-controller, keyward-state.
*/}}
{{- define "keyward.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "keyward.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The controller's Deployment, Service, Role, Lease: <fullname>-controller. */}}
{{- define "keyward.controller" -}}
{{- printf "%s-controller" (include "keyward.fullname" .) }}
{{- end }}

{{- define "keyward.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "keyward.controller" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name: name the existing ServiceAccount when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The namespace whose keyward.io resources are reconciled. */}}
{{- define "keyward.watchNamespace" -}}
{{- default .Release.Namespace .Values.watchNamespace }}
{{- end }}

{{/* Every namespace reconciled (one organisation each), as a JSON list: watchNamespaces, else the one above. */}}
{{- define "keyward.watchNamespaces" -}}
{{- $all := list (include "keyward.watchNamespace" .) }}
{{- range .Values.watchNamespaces }}{{ $all = append $all . }}{{ end }}
{{- toJson ($all | uniq) }}
{{- end }}

{{- define "keyward.selectorLabels" -}}
app.kubernetes.io/name: {{ include "keyward.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end }}

{{- define "keyward.labels" -}}
{{ include "keyward.selectorLabels" . }}
app.kubernetes.io/part-of: keyward
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{- define "keyward.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/* The claim of the state volume: existingClaim, else <fullname>-state. */}}
{{- define "keyward.claimName" -}}
{{- default (printf "%s-state" (include "keyward.fullname" .)) .Values.persistence.existingClaim }}
{{- end }}

{{/* The Secrets the controller may get by name: the credentials, the webhook's, the extra ones. */}}
{{- define "keyward.secretNames" -}}
{{- $names := list }}
{{- if .Values.credentials.secretName }}{{ $names = append $names .Values.credentials.secretName }}{{ end }}
{{- range .Values.credentials.extraSecretNames }}{{ $names = append $names . }}{{ end }}
{{- if .Values.hrWebhook.enabled }}{{ $names = append $names (include "keyward.webhookSecretName" .) }}{{ end }}
{{- toJson ($names | uniq) }}
{{- end }}

{{- define "keyward.webhookSecretName" -}}
{{- required "hrWebhook.secretName (or credentials.secretName): the Secret holding the HR webhook's HMAC key" (default .Values.credentials.secretName .Values.hrWebhook.secretName) }}
{{- end }}

{{/*
The rules of the controller's Role (or ClusterRole with rbac.clusterWide).
Each is explained in README.md ("What each RBAC rule is for").
*/}}
{{- define "keyward.rules" -}}
- apiGroups: [keyward.io]
  resources: [peoplesources, applications, accesspolicies, exceptions, separationsofduties]
  verbs: [get, list, watch]
- apiGroups: [keyward.io]
  resources: [applications/status, peoplesources/status]
  verbs: [get, patch, update]
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [create, patch]
- apiGroups: [""]
  resources: [events]
  verbs: [create, patch]
# Kubernetes authorizes a create before the object's name is known, so
# `create` cannot be limited by resourceNames: a rule of its own.
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [create]
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  resourceNames: [{{ include "keyward.controller" . }}]
  verbs: [get, update]
{{- if gt (int .Values.replicaCount) 1 }}
# Shards (several replicas): a heartbeat Lease per replica and a Lease per
# (namespace, application), named after the apps, so not by resourceNames;
# `list` finds the other replicas' heartbeats.
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [get, list, update]
{{- end }}
{{- $secrets := include "keyward.secretNames" . | fromJsonArray }}
{{- if $secrets }}
# Credentials by Secret name, `get` only: list or watch would expose every
# Secret of the namespace.
- apiGroups: [""]
  resources: [secrets]
  resourceNames: {{ toJson $secrets }}
  verbs: [get]
{{- end }}
{{- end }}
