#version 330
// Rigid skinning (every vertex follows one bone; identity for scenery) and per-vertex lighting:
// wrapped-Lambert key, fill, hemisphere ambient, rim, warm point practicals, Blinn-Phong and fog.
// Lighting, fog, the tone curve and sRGB encoding all run per vertex because llvmpipe pays for
// every fragment instruction (measured: per-pixel shading cost more than rasterising the frame).

uniform mat4 u_view_proj;
uniform mat4 u_bones[MAX_BONES];
uniform vec3 u_cam_pos;
uniform vec3 u_sun_dir;
uniform vec3 u_sun_color;
uniform vec3 u_fill_color;
uniform vec3 u_rim_color;
uniform vec3 u_sky_ambient;
uniform vec3 u_ground_ambient;
uniform vec3 u_zenith;
uniform vec3 u_horizon;
uniform float u_fog_density;
uniform vec3 u_practical;
uniform float u_exposure;
uniform int u_light_count;
uniform vec4 u_light_pos[MAX_LIGHTS];   // xyz, reach
uniform vec3 u_light_color[MAX_LIGHTS];

in vec3 in_pos;
in vec3 in_normal;
in vec3 in_color;
in float in_gloss;
in float in_emissive;
in float in_bone;

out vec3 v_world;
out vec3 v_color;     // display (sRGB) colour

void main() {
    mat4 bone = u_bones[int(in_bone + 0.5)];
    vec4 world = bone * vec4(in_pos, 1.0);
    v_world = world.xyz;
    gl_Position = u_view_proj * world;
    vec3 n = normalize(mat3(bone) * in_normal);
    vec3 to_eye = u_cam_pos - world.xyz;
    float dist = length(to_eye);
    vec3 view = to_eye / dist;
    float ndl = dot(n, u_sun_dir);
    vec3 ambient = mix(u_ground_ambient, u_sky_ambient, 0.5 + 0.5 * n.y);
#ifdef DRAFT
    vec3 diffuse = in_color * (u_sun_color * max(ndl, 0.0) + ambient);
    vec3 added = u_practical * min(in_emissive, 1.0);
#else
    float wrap = clamp((ndl + 0.25) / 1.25, 0.0, 1.0);
    float toon = smoothstep(0.0, 0.15, ndl);
    vec3 fill_dir = normalize(vec3(-u_sun_dir.x, 0.35, 0.6 - 0.2 * u_sun_dir.z));
    float fill = clamp((dot(n, fill_dir) + 0.4) / 1.4, 0.0, 1.0);
    vec3 light = u_sun_color * mix(wrap, toon, 0.35) + u_fill_color * fill + ambient;
    float shininess = mix(8.0, 90.0, in_gloss);
    vec3 spec = u_sun_color * (in_gloss * 0.35 * step(0.0, ndl)) * pow(max(dot(n, normalize(u_sun_dir + view)), 0.0), shininess);
    for (int i = 0; i < u_light_count; ++i) {
        vec3 to_light = u_light_pos[i].xyz - world.xyz;
        float d = length(to_light);
        vec3 l = to_light / d;
        float falloff = pow(clamp(1.0 - d / u_light_pos[i].w, 0.0, 1.0), 2.0) / (1.0 + d * d);
        light += u_light_color[i] * (falloff * clamp((dot(n, l) + 0.2) / 1.2, 0.0, 1.0));
        spec += u_light_color[i] * (falloff * in_gloss * 0.4) * pow(max(dot(n, normalize(l + view)), 0.0), shininess);
    }
    vec3 diffuse = in_color * light;
    vec3 added = spec + u_practical * min(in_emissive, 1.0);
#ifdef CHARACTER
    float rim = pow(1.0 - abs(dot(n, view)), 3.0);
    added += u_rim_color * (rim * 0.35 * (0.4 + 0.6 * max(n.y, 0.0)));
#endif
#endif
    if (in_emissive > 1.5) {  // a window pane showing the sky
        diffuse = vec3(0.0);
        added = mix(u_horizon, u_zenith, 0.35) * 1.6 + u_practical * 0.05;
    }
    vec3 dir = -view;
    float fog = 1.0 - exp(-u_fog_density * max(dist - 4.0, 0.0));
    vec3 haze = mix(u_horizon, u_zenith, clamp(dir.y * 2.0, 0.0, 1.0) * 0.3);
    v_color = to_srgb(tonemap(mix(diffuse + added, haze, fog) * u_exposure));
}
