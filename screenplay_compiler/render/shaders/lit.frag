#version 330
// Per-pixel part of the lit shading: blob contact shadows on receivers, fog, tone curve, sRGB.

uniform float u_exposure;
uniform int u_blob_count;
uniform vec4 u_blobs[MAX_BLOBS];    // x, z, radius, strength
uniform vec2 u_blob_offset;         // shadow shift away from the key light

in vec3 v_world;
in vec3 v_diffuse;
in vec3 v_added;
in vec4 v_fog;

out vec4 f_color;

float blob_shadow() {
    float shadow = 0.0;
    for (int i = 0; i < u_blob_count; ++i) {
        vec2 d = (v_world.xz - u_blobs[i].xy - u_blob_offset) / u_blobs[i].z;
        shadow = max(shadow, u_blobs[i].w * (1.0 - smoothstep(0.15, 1.0, length(d * vec2(1.0, 1.25)))));
    }
    return shadow * (1.0 - smoothstep(0.02, 0.3, v_world.y));
}

void main() {
    vec3 color = v_diffuse;
#ifdef RECEIVER
    color *= 1.0 - 0.8 * blob_shadow();
#endif
    color = mix(color + v_added, v_fog.rgb, v_fog.a);
#ifdef DRAFT
    f_color = vec4(sqrt(clamp(color * u_exposure, 0.0, 1.0)), 1.0);
#else
    f_color = vec4(to_srgb(tonemap(color * u_exposure)), 1.0);
#endif
}
