#version 330
// Rigid skinning (every vertex follows one bone; identity for scenery) and per-vertex lighting:
// wrapped-Lambert key, fill, hemisphere ambient, rim, warm point practicals, Blinn-Phong and fog,
// all in linear light. Lighting runs per vertex because llvmpipe pays for every fragment
// instruction (measured: per-pixel shading cost more than rasterising the frame). The key
// light's share (v_key) is kept apart from the rest (v_rest) so that lit.frag can shadow it
// per pixel and then tone-map and sRGB-encode once: to_srgb(tonemap(rest + key * shadow)).
// DRAFT does everything here and hands flat.frag a display colour.

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
uniform vec4 u_ground_tint;             // wet (darker) or snowy (whiter) ground: rgb, amount
uniform float u_toon;                   // 1: cel-shaded palette and bands (lit.frag), 0: realistic
uniform mat4 u_light_vp;                // world -> shadow-map texture space [0, 1]^3
uniform float u_normal_offset;          // metres along the normal the shadow lookup moves (against acne)

in vec3 in_pos;
in vec3 in_normal;
in vec3 in_color;
in float in_gloss;
in float in_emissive;
in float in_bone;

#ifdef DRAFT
out vec3 v_color;     // display (sRGB) colour
#else
out vec3 v_rest;      // linear, fogged, exposed: everything but the key light
out vec3 v_key;       // linear key contribution before shadowing (toon: key colour x albedo)
out vec3 v_light;     // shadow-map coordinates
out vec2 v_toon;      // toon: the key's n.l and the rim term
#endif

vec3 saturate_palette(vec3 c) {
    // Toon: a flatter, more saturated palette (chroma pushed away from the luminance).
    float luma = dot(c, vec3(0.2126, 0.7152, 0.0722));
    return max(mix(vec3(luma), c, 1.35), vec3(0.0));
}

void main() {
    mat4 bone = u_bones[int(in_bone + 0.5)];
    vec4 world = bone * vec4(in_pos, 1.0);
    gl_Position = u_view_proj * world;
    vec3 n = normalize(mat3(bone) * in_normal);
    vec3 to_eye = u_cam_pos - world.xyz;
    float dist = length(to_eye);
    vec3 view = to_eye / dist;
    float ndl = dot(n, u_sun_dir);
    vec3 albedo = in_color;
    float ground = step(0.9, n.y) * step(world.y, 0.25) * (1.0 - step(0.5, in_emissive));
    albedo = mix(albedo, u_ground_tint.rgb, ground * u_ground_tint.a);
    albedo = mix(albedo, saturate_palette(albedo), u_toon);
    vec3 ambient = mix(u_ground_ambient, u_sky_ambient, mix(0.5 + 0.5 * n.y, 0.75, u_toon));  // toon: flat
#ifdef DRAFT
    vec3 diffuse = albedo * (u_sun_color * max(ndl, 0.0) + ambient);
    vec3 added = u_practical * min(in_emissive, 1.0);
    vec3 key = vec3(0.0);
#else
    float wrap = clamp((ndl + 0.25) / 1.25, 0.0, 1.0);
    float toon = smoothstep(0.0, 0.15, ndl);
    vec3 fill_dir = normalize(vec3(-u_sun_dir.x, 0.35, 0.6 - 0.2 * u_sun_dir.z));
    float fill = clamp((dot(n, fill_dir) + 0.4) / 1.4, 0.0, 1.0);
    fill = mix(fill, 0.5, u_toon);  // toon: flat fill, the key's bands alone model the form
    vec3 light = u_fill_color * fill + ambient;
    float shininess = mix(8.0, 90.0, in_gloss);
    vec3 spec = vec3(0.0);
    for (int i = 0; i < u_light_count; ++i) {
        vec3 to_light = u_light_pos[i].xyz - world.xyz;
        float d = length(to_light);
        vec3 l = to_light / d;
        float falloff = pow(clamp(1.0 - d / u_light_pos[i].w, 0.0, 1.0), 2.0) / (1.0 + d * d);
        light += u_light_color[i] * (falloff * clamp((dot(n, l) + 0.2) / 1.2, 0.0, 1.0));
        spec += u_light_color[i] * (falloff * in_gloss * 0.4) * pow(max(dot(n, normalize(l + view)), 0.0), shininess);
    }
    vec3 sun_spec = u_sun_color * (in_gloss * 0.35 * step(0.0, ndl)) * pow(max(dot(n, normalize(u_sun_dir + view)), 0.0), shininess);
    vec3 key = mix(albedo * u_sun_color * mix(wrap, toon, 0.35) + sun_spec, albedo * u_sun_color, u_toon);
    vec3 diffuse = albedo * light;
    vec3 added = spec * (1.0 - u_toon) + u_practical * min(in_emissive, 1.0);
    float rim = 0.0;
#ifdef CHARACTER
    rim = pow(1.0 - abs(dot(n, view)), 3.0) * (0.4 + 0.6 * max(n.y, 0.0));
    added += u_rim_color * (rim * 0.35 * (1.0 - u_toon));
#endif
    v_toon = vec2(ndl, rim);
    v_light = (u_light_vp * vec4(world.xyz + n * u_normal_offset, 1.0)).xyz;
#endif
    if (in_emissive > 1.5) {  // a window pane showing the sky
        diffuse = vec3(0.0);
        key = vec3(0.0);
        added = mix(u_horizon, u_zenith, 0.35) * 1.6 + u_practical * 0.05;
    }
    vec3 dir = -view;
    float fog = 1.0 - exp(-u_fog_density * max(dist - 4.0, 0.0));
    vec3 haze = mix(u_horizon, u_zenith, clamp(dir.y * 2.0, 0.0, 1.0) * 0.3);
    vec3 rest = mix(diffuse + added, haze, fog) * u_exposure;
#ifdef DRAFT
    v_color = to_srgb(tonemap(rest));
#else
    v_rest = rest;
    v_key = key * ((1.0 - fog) * u_exposure);
#endif
}
