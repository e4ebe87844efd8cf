#version 330
// Toon ink lines, the inverted hull: the character's mesh again, every vertex pushed out along
// its screen-space normal by u_outline_px pixels, drawn with front faces culled so only the rim
// of the enlarged back shows around the silhouette, in a dark tint of the surface colour.

uniform mat4 u_view_proj;
uniform mat4 u_bones[MAX_BONES];
uniform vec2 u_viewport;        // pixels
uniform float u_outline_px;
uniform vec3 u_ink;             // linear tint multiplied onto the surface colour
uniform float u_exposure;

in vec3 in_pos;
in vec3 in_normal;
in vec3 in_color;
in float in_bone;

out vec3 v_color;

void main() {
    mat4 bone = u_bones[int(in_bone + 0.5)];
    vec4 clip = u_view_proj * (bone * vec4(in_pos, 1.0));
    vec2 n = (u_view_proj * vec4(mat3(bone) * in_normal, 0.0)).xy * u_viewport;
    float len = length(n);
    vec2 push = len > 1e-6 ? n / len : vec2(0.0);
    clip.xy += push * (2.0 * u_outline_px / u_viewport) * clip.w;
    clip.z += 1e-4 * clip.w;  // a hair behind, so the hull never covers the surface it outlines
    gl_Position = clip;
    v_color = to_srgb(tonemap(in_color * u_ink * u_exposure));
}
