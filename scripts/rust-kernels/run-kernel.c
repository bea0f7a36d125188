/* Times one kernel of a WASI module through plain wasm.h + wasi.h:
   usage: run-kernel FILE.wasm EXPORT N REPEAT
   prints the best of REPEAT calls of EXPORT(N) (an i32 -> i32 export) and
   its result. The strategy comes from WASMRT_STRATEGY. */
#include <wasm.h>
#include <wasi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e3+t.tv_nsec/1e6;}
int main(int argc,char**argv){
  if(argc!=5){fprintf(stderr,"usage: run-kernel FILE.wasm EXPORT N REPEAT\n");return 2;}
  FILE*f=fopen(argv[1],"rb");fseek(f,0,SEEK_END);long n=ftell(f);fseek(f,0,SEEK_SET);
  wasm_byte_vec_t b;wasm_byte_vec_new_uninitialized(&b,n);fread(b.data,1,n,f);fclose(f);
  int N=atoi(argv[3]), R=atoi(argv[4]);
  wasm_engine_t*e=wasm_engine_new();wasm_store_t*s=wasm_store_new(e);
  wasm_module_t*m=wasm_module_new(s,&b);
  wasm_extern_vec_t imps; wasm_trap_t*trap=NULL;
  if(!m){fputs("invalid module\n",stderr);return 1;}
  if(!wasi_module_imports(s,m,wasi_config_new(),&imps,&trap)){fputs("cannot make its imports\n",stderr);return 1;}
  wasm_instance_t*i=wasm_instance_new(s,m,&imps,&trap);
  wasm_extern_vec_t ex; wasm_instance_exports(i,&ex);
  wasm_exporttype_vec_t et; wasm_module_exports(m,&et); wasm_func_t*fn=NULL;
  for(size_t k=0;k<et.size;k++){const wasm_name_t*nm=wasm_exporttype_name(et.data[k]); if(nm->size==strlen(argv[2])&&!memcmp(nm->data,argv[2],nm->size)) fn=wasm_extern_as_func(ex.data[k]);}
  if(!fn){fprintf(stderr,"no export %s\n",argv[2]);return 1;}
  double best=1e9; int res=0;
  for(int r=0;r<R;r++){
    wasm_val_t a[1]={WASM_I32_VAL(N)}; wasm_val_t rr[1]={WASM_INIT_VAL}; wasm_val_vec_t av=WASM_ARRAY_VEC(a), rv=WASM_ARRAY_VEC(rr);
    double t0=now(); wasm_trap_t*t=wasm_func_call(fn,&av,&rv); double t1=now();
    if(t){fputs("trapped\n",stderr);return 1;} res=rr[0].of.i32; if(t1-t0<best)best=t1-t0;
  }
  printf("%s %.1f ms res=%d\n",argv[2],best,res);
  return 0;
}
